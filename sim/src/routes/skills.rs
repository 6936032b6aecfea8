//! Skill Operations page: create, get/update manifest, status, list, delete.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{accepted_with_status_location, owned, owned_mut, query_pairs, query_value};
use crate::auth::Caller;
use crate::error::{ApiError, json_response_typed};
use crate::persist::Change;
use crate::sim::{Sim, later, rfc3339};
use crate::state::{Build, BuildStatus, PublicationStatus, Skill, StageManifest};
use crate::validate;

/// Default page size of `listSkillsForVendor` when `maxResults` is absent.
pub const DEFAULT_MAX_RESULTS: usize = 10;

fn new_build(sim: &Sim, manifest: &Value, now: DateTime<Utc>) -> Build {
    Build {
        ready_at: later(now, sim.settings.build_delay),
        errors: validate::manifest_build_errors(manifest),
    }
}

/// `POST /v1/skills`
pub(crate) async fn create(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = validate::json_object(&body, "request")?;
    let vendor_id = validate::required_string(&body, "vendorId", "vendorId")?;
    let manifest = validate::required_object(&body, "manifest", "manifest")?;
    if vendor_id != caller.vendor_id {
        return Err(ApiError::forbidden(format!(
            "vendorId (body) `{vendor_id}` is not the vendor of the access token"
        )));
    }
    let now = Utc::now();
    let skill_id = format!("amzn1.ask.skill.{}", uuid::Uuid::new_v4());
    let manifest = Value::Object(manifest.clone());
    let build = new_build(&sim, &manifest, now);
    {
        let mut state = sim.store.write();
        let seq = state.next_seq;
        state.next_seq += 1;
        state.skills.insert(Skill {
            id: skill_id.clone(),
            vendor_id: caller.vendor_id.clone(),
            seq,
            created_at: now,
            development: StageManifest::new(&skill_id, manifest, 1, now),
            live: None,
            build,
            publication: None,
            unpublished: None,
        });
    }
    sim.saved(Change::Skill(skill_id.clone())).await?;
    Ok(accepted_with_status_location(
        &skill_id,
        Some(json!({ "skillId": skill_id })),
    ))
}

#[derive(Serialize)]
struct Envelope<'a> {
    manifest: &'a Value,
}

/// `GET /v1/skills/{skillId}/stages/{stage}/manifest`
pub(crate) async fn get_manifest(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path((skill_id, stage)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    validate::stage(&stage)?;
    let now = Utc::now();
    let (bytes, etag) = {
        let state = sim.store.read();
        let skill = owned(&state, &skill_id, &caller)?;
        let stage_manifest = if stage == "development" {
            &skill.development
        } else if stage == "certified" {
            // The version that passed certification: the snapshot of a submission whose
            // development build had succeeded, from submission on.
            skill
                .publication
                .as_ref()
                .filter(|p| !p.fails)
                .map(|p| &p.snapshot)
                .ok_or_else(|| {
                    ApiError::not_found(format!(
                        "skill {skill_id} has no certified stage (no certified version was submitted for publication)"
                    ))
                })?
        } else {
            skill.live(now).ok_or_else(|| {
                ApiError::not_found(format!(
                    "skill {skill_id} has no live stage (it has not been published)"
                ))
            })?
        };
        let bytes = serde_json::to_vec(&Envelope {
            manifest: &stage_manifest.manifest,
        })
        .map_err(|e| ApiError::internal(format!("manifest could not be serialised: {e}")))?;
        (bytes, format!("\"{}\"", stage_manifest.etag))
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    Ok(response)
}

/// Whether an `If-Match` value matches the bare entity tag (`*`, quoted, bare, `W/` and lists
/// accepted).
fn if_match_matches(if_match: &str, etag: &str) -> bool {
    if_match.split(',').map(str::trim).any(|candidate| {
        if candidate == "*" {
            return true;
        }
        let candidate = candidate.strip_prefix("W/").unwrap_or(candidate);
        let candidate = candidate
            .strip_prefix('"')
            .and_then(|c| c.strip_suffix('"'))
            .unwrap_or(candidate);
        candidate == etag
    })
}

/// `PUT /v1/skills/{skillId}/stages/{stage}/manifest`
pub(crate) async fn update_manifest(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path((skill_id, stage)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    validate::stage(&stage)?;
    if stage != "development" {
        return Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!(
                "stage (path) must be development to update a manifest, got `{stage}`; the live stage changes only through publication"
            ),
        ));
    }
    let if_match = match headers.get(header::IF_MATCH) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            ApiError::bad_request("INVALID_PARAMETER_VALUE", "If-Match (header) must be ASCII")
        })?),
    };
    let body = validate::json_object(&body, "manifest envelope")?;
    let manifest = Value::Object(validate::required_object(&body, "manifest", "manifest")?.clone());
    let now = Utc::now();
    {
        let mut state = sim.store.write();
        let skill = owned_mut(&mut state, &skill_id, &caller)?;
        if let Some(if_match) = if_match
            && !if_match_matches(if_match, &skill.development.etag)
        {
            return Err(ApiError::precondition_failed(format!(
                "If-Match (header) `{if_match}` does not match the current ETag \"{}\" of skill {skill_id}",
                skill.development.etag
            )));
        }
        if skill.build.status(now) == BuildStatus::InProgress {
            return Err(ApiError::conflict(format!(
                "a build of skill {skill_id} is still in progress; retry when getSkillStatus no longer reports IN_PROGRESS"
            )));
        }
        let revision = skill.development.revision + 1;
        skill.build = new_build(&sim, &manifest, now);
        skill.development = StageManifest::new(&skill_id, manifest, revision, now);
    }
    sim.saved(Change::Skill(skill_id.clone())).await?;
    Ok(accepted_with_status_location(&skill_id, None))
}

/// `GET /v1/skills/{skillId}/status`
pub(crate) async fn status(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(skill_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    let pairs = query_pairs(raw.as_deref());
    let mut want_manifest = false;
    let mut want_model = false;
    let mut filtered = false;
    for (name, value) in &pairs {
        if name != "resource" {
            continue;
        }
        filtered = true;
        match value.as_str() {
            "manifest" => want_manifest = true,
            "interactionModel" => want_model = true,
            other => {
                return Err(ApiError::bad_request(
                    "INVALID_ENUM_VALUE",
                    format!("resource (query) must be manifest or interactionModel, got `{other}`"),
                ));
            }
        }
    }
    if !filtered {
        want_manifest = true;
        want_model = true;
    }
    let now = Utc::now();
    let state = sim.store.read();
    let skill = owned(&state, &skill_id, &caller)?;
    let build_status = skill.build.status(now);
    let mut body = Map::new();
    if want_manifest {
        let mut last = json!({ "status": build_status.as_str() });
        if build_status == BuildStatus::Failed {
            last["errors"] = skill
                .build
                .errors
                .iter()
                .map(|m| json!({ "message": m }))
                .collect();
        }
        body.insert(
            "manifest".into(),
            json!({ "eTag": skill.development.etag, "lastUpdateRequest": last }),
        );
    }
    if want_model {
        // The simulator has no interaction-model operations: each locale of the manifest
        // reports the state of the manifest build (FAILED manifests leave models SUCCEEDED).
        let model_status = if build_status == BuildStatus::InProgress {
            BuildStatus::InProgress
        } else {
            BuildStatus::Succeeded
        };
        let mut models = Map::new();
        if let Some(Value::Object(locales)) = skill
            .development
            .manifest
            .pointer("/publishingInformation/locales")
        {
            for locale in locales.keys() {
                models.insert(
                    locale.clone(),
                    json!({
                        "eTag": derived_tag(&skill.development.etag, locale),
                        "lastUpdateRequest": { "status": model_status.as_str() }
                    }),
                );
            }
        }
        body.insert("interactionModel".into(), Value::Object(models));
    }
    Ok(crate::error::json_response(
        StatusCode::OK,
        &Value::Object(body),
    ))
}

fn derived_tag(etag: &str, locale: &str) -> String {
    let digest = Sha256::digest(format!("{etag}/{locale}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The API kinds a listing names: the values of the spec's `SkillApiKind` (a test keeps the
/// two equal). A manifest may carry other keys under `apis` (the spec keeps unknown fields as
/// they are); they stay in the manifest but are not listed, so every listing is valid against
/// the spec (Schemathesis found the listing echoing such keys, "" among them).
const LISTED_API_KINDS: &[&str] = &[
    "custom",
    "smartHome",
    "flashBriefing",
    "video",
    "music",
    "householdList",
    "health",
    "alexaForBusiness",
    "demandResponse",
    "knowledge",
];

/// One row of the listing: a skill in one stage.
struct Row<'a> {
    skill: &'a Skill,
    live: bool,
}

fn summary(row: &Row<'_>, now: DateTime<Utc>) -> Value {
    let skill = row.skill;
    let (stage_name, manifest, updated, publication_status) = if row.live {
        let live = skill.live(now);
        let status = match skill.unpublished.as_ref().map(|u| u.kind.as_str()) {
            Some("HIDE") => "HIDDEN",
            Some("REMOVE") => "REMOVED",
            _ => "PUBLISHED",
        };
        (
            "live",
            live.map(|l| &l.manifest),
            live.map_or(skill.development.updated_at, |l| l.updated_at),
            status,
        )
    } else {
        let in_certification = skill.publication.as_ref().is_some_and(|p| {
            matches!(
                p.status(now),
                PublicationStatus::Scheduled | PublicationStatus::InProgress
            )
        });
        (
            "development",
            Some(&skill.development.manifest),
            skill.development.updated_at,
            if in_certification {
                "CERTIFICATION"
            } else {
                "DEVELOPMENT"
            },
        )
    };
    let apis: Vec<&str> = manifest
        .and_then(|m| m.get("apis"))
        .and_then(Value::as_object)
        .map(|apis| {
            apis.keys()
                .map(String::as_str)
                .filter(|kind| LISTED_API_KINDS.contains(kind))
                .collect()
        })
        .unwrap_or_default();
    let mut names = Map::new();
    if let Some(Value::Object(locales)) =
        manifest.and_then(|m| m.pointer("/publishingInformation/locales"))
    {
        for (locale, info) in locales {
            if let Some(Value::String(name)) = info.get("name") {
                names.insert(locale.clone(), json!(name));
            }
        }
    }
    json!({
        "skillId": skill.id,
        "stage": stage_name,
        "apis": apis,
        "publicationStatus": publication_status,
        "lastUpdated": rfc3339(updated),
        "nameByLocale": names,
        "_links": { "self": { "href": format!("/v1/skills/{}/stages/{stage_name}/manifest", skill.id) } }
    })
}

/// Where a page of the listing ended: the last row's skill (by sequence number) and stage.
///
/// The listing is in creation order (oldest first), each skill's development row before its
/// live row; the pages document no order, and this one is stable under concurrent change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ListPosition {
    seq: u64,
    live: bool,
}

impl ListPosition {
    fn parse(text: &str) -> Option<Self> {
        let (seq, stage) = text.split_once(':')?;
        let live = match stage {
            "d" => false,
            "l" => true,
            _ => return None,
        };
        Some(ListPosition {
            seq: seq.parse().ok()?,
            live,
        })
    }
}

impl std::fmt::Display for ListPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, if self.live { "l" } else { "d" })
    }
}

/// A skill's rows: development, then live if it has a live stage.
fn push_rows<'a>(rows: &mut Vec<Row<'a>>, skill: &'a Skill, now: DateTime<Utc>) {
    rows.push(Row { skill, live: false });
    if skill.live(now).is_some() {
        rows.push(Row { skill, live: true });
    }
}

/// Up to `page_size` rows after `after`, read from the ordered index (O(log n + page size)),
/// and whether more follow.
fn keyset_page<'a>(
    state: &'a crate::state::State,
    vendor_id: &'a str,
    after: Option<ListPosition>,
    page_size: usize,
    now: DateTime<Utc>,
) -> (Vec<Row<'a>>, bool) {
    let from_seq = after.map_or(0, |p| p.seq);
    let mut rows = Vec::with_capacity(page_size + 2);
    for skill in state.skills.of_vendor_from(vendor_id, from_seq) {
        if rows.len() > page_size {
            break;
        }
        match after {
            // The development row of this skill was the last one listed.
            Some(p) if p.seq == skill.seq && !p.live => {
                if skill.live(now).is_some() {
                    rows.push(Row { skill, live: true });
                }
            }
            Some(p) if p.seq == skill.seq => {}
            _ => push_rows(&mut rows, skill, now),
        }
    }
    let truncated = rows.len() > page_size;
    rows.truncate(page_size);
    (rows, truncated)
}

fn encode_query_value(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `GET /v1/skills`
pub(crate) async fn list(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(raw.as_deref());
    let vendor_id =
        query_value(&pairs, "vendorId").ok_or_else(|| ApiError::missing("vendorId", "query"))?;
    if vendor_id.is_empty() {
        return Err(ApiError::bad_request(
            "INVALID_STRING_LENGTH",
            "vendorId (query) must not be empty",
        ));
    }
    let skill_ids: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "skillId")
        .map(|(_, v)| v.as_str())
        .collect();
    let max_results = query_value(&pairs, "maxResults");
    let next_token = query_value(&pairs, "nextToken");
    if !skill_ids.is_empty() && (max_results.is_some() || next_token.is_some()) {
        return Err(ApiError::bad_request(
            "INVALID_PARAMETER_COMBINATION",
            "skillId (query) must not be combined with maxResults or nextToken",
        ));
    }
    if skill_ids.len() > 10 {
        return Err(ApiError::bad_request(
            "INVALID_ARRAY_LENGTH",
            format!(
                "skillId (query) accepts at most 10 values, got {}",
                skill_ids.len()
            ),
        ));
    }
    for id in &skill_ids {
        validate::skill_id(id, "query")?;
    }
    let page_size = match max_results {
        None => DEFAULT_MAX_RESULTS,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=50).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    "INVALID_NUMBER_RANGE",
                    format!("maxResults (query) must be an integer from 1 to 50, got `{text}`"),
                ));
            }
        },
    };
    let after = match next_token {
        None => None,
        Some(token) => Some(
            sim.signer
                .parse_next_token(vendor_id, token)
                .as_deref()
                .and_then(ListPosition::parse)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "INVALID_NEXT_TOKEN",
                        format!("nextToken (query) is not a token this server issued for vendorId `{vendor_id}`"),
                    )
                })?,
        ),
    };
    if vendor_id != caller.vendor_id {
        // The page lists no 403 for this operation; its 401 covers "no access to the resource".
        return Err(ApiError::unauthorized(format!(
            "vendorId (query) `{vendor_id}` is not the vendor of the access token; the token has no access to its skills"
        )));
    }

    let now = Utc::now();
    let state = sim.store.read();
    let (page, truncated) = if skill_ids.is_empty() {
        keyset_page(&state, vendor_id, after, page_size, now)
    } else {
        let wanted: BTreeSet<&str> = skill_ids.iter().copied().collect();
        let mut chosen: Vec<&Skill> = wanted
            .iter()
            .filter_map(|id| state.skills.get(id))
            .filter(|skill| skill.vendor_id == vendor_id)
            .collect();
        chosen.sort_by_key(|skill| skill.seq);
        let mut rows = Vec::new();
        for skill in chosen {
            push_rows(&mut rows, skill, now);
        }
        (rows, false)
    };
    let skills: Vec<Value> = page.iter().map(|row| summary(row, now)).collect();
    let self_href = match raw.as_deref() {
        Some(q) if !q.is_empty() => format!("/v1/skills?{q}"),
        _ => "/v1/skills".to_owned(),
    };
    let mut body = json!({
        "_links": { "self": { "href": self_href } },
        "isTruncated": truncated,
        "skills": skills,
    });
    if truncated {
        let last = page
            .last()
            .map(|row| ListPosition {
                seq: row.skill.seq,
                live: row.live,
            })
            .unwrap_or(ListPosition { seq: 0, live: true });
        let token = sim.signer.next_token(vendor_id, &last.to_string());
        let mut next = format!(
            "/v1/skills?vendorId={}&nextToken={}",
            encode_query_value(vendor_id),
            encode_query_value(&token)
        );
        if max_results.is_some() {
            next.push_str(&format!("&maxResults={page_size}"));
        }
        body["_links"]["next"] = json!({ "href": next });
        body["nextToken"] = json!(token);
    }
    Ok(json_response_typed(
        StatusCode::OK,
        &body,
        "application/json+hal",
    ))
}

/// `DELETE /v1/skills/{skillId}` and `DELETE /v1/skills/{skillId}/`
pub(crate) async fn delete(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(skill_id): Path<String>,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    {
        let mut state = sim.store.write();
        owned(&state, &skill_id, &caller)?;
        state.skills.remove(&skill_id);
    }
    sim.saved(Change::Skill(skill_id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_api_kinds_are_the_specs_skill_api_kinds() {
        let spec: Value = serde_norway::from_str(crate::config::EMBEDDED_SPEC).unwrap();
        let in_spec: Vec<&str> = spec["components"]["schemas"]["SkillApiKind"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(in_spec, LISTED_API_KINDS);
    }

    #[test]
    fn if_match_forms() {
        assert!(if_match_matches("\"abc\"", "abc"));
        assert!(if_match_matches("abc", "abc"));
        assert!(if_match_matches("W/\"abc\"", "abc"));
        assert!(if_match_matches("\"x\", \"abc\"", "abc"));
        assert!(if_match_matches("*", "abc"));
        assert!(!if_match_matches("\"abd\"", "abc"));
    }
}

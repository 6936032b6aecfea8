//! Skill Publishing page: latest publication, submit, unpublish.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Months, Utc};
use serde_json::{Value, json};

use super::{owned, owned_mut};
use crate::auth::Caller;
use crate::error::{ApiError, json_response};
use crate::persist::Change;
use crate::sim::{Sim, later, rfc3339};
use crate::state::{BuildStatus, Publication, StageManifest, Unpublish};
use crate::validate;

/// Reasons `unpublishSkill` accepts, verbatim from the page.
pub const UNPUBLISH_REASONS: [&str; 6] = [
    "Changing invocation name",
    "Published by mistake",
    "It takes time to maintain my skill",
    "My infrastructure costs are too high",
    "Technical issues",
    "Other",
];

/// `GET /v1/skills/{skillId}/publications/~latest`
pub(crate) async fn latest(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(skill_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    validate::accept_language(&headers)?;
    let now = Utc::now();
    let state = sim.store.read();
    let skill = owned(&state, &skill_id, &caller)?;
    let publication = skill.publication.as_ref().ok_or_else(|| {
        ApiError::not_found(format!(
            "skill {skill_id} has not been submitted for publication"
        ))
    })?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "publishesAtDate": rfc3339(publication.publishes_at),
            "status": publication.status(now).as_str(),
        }),
    ))
}

fn parse_publishes_at(body: &[u8], now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(now);
    }
    let body = validate::json_object(body, "request")?;
    if let Some(unknown) = body.keys().find(|k| k.as_str() != "publishesAtDate") {
        return Err(ApiError::bad_request(
            "UNEXPECTED_PROPERTY",
            format!(
                "{unknown} (body) is not a property of the publish request; the only one is publishesAtDate"
            ),
        ));
    }
    let text = match body.get("publishesAtDate") {
        None => return Ok(now),
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err(ApiError::bad_request(
                "INVALID_DATA_TYPE",
                format!(
                    "publishesAtDate (body) must be an ISO 8601 date-time string, got {}",
                    validate::type_name(other)
                ),
            ));
        }
    };
    let when = DateTime::parse_from_rfc3339(text)
        .map_err(|e| {
            ApiError::bad_request(
                "INVALID_DATE_FORMAT",
                format!("publishesAtDate (body) must be an ISO 8601 date-time such as 2019-11-01T00:38:29.708Z, got `{text}` ({e})"),
            )
        })?
        .with_timezone(&Utc);
    let limit = now.checked_add_months(Months::new(6)).unwrap_or(now);
    if when > limit {
        return Err(ApiError::bad_request(
            "INVALID_DATE_RANGE",
            format!(
                "publishesAtDate (body) must be at most six months from now (no later than {}), got {text}",
                rfc3339(limit)
            ),
        ));
    }
    // A time in the past means "now".
    Ok(when.max(now))
}

/// `POST /v1/skills/{skillId}/publications`
pub(crate) async fn submit(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(skill_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    let now = Utc::now();
    let publishes_at = parse_publishes_at(&body, now)?;
    {
        let mut state = sim.store.write();
        let skill = owned_mut(&mut state, &skill_id, &caller)?;
        skill.materialise_live(now);
        let done_at = later(publishes_at, sim.settings.publication_delay);
        let snapshot = StageManifest {
            updated_at: done_at,
            ..skill.development.clone()
        };
        skill.publication = Some(Publication {
            submitted_at: now,
            publishes_at,
            done_at,
            fails: skill.build.status(now) != BuildStatus::Succeeded,
            snapshot,
        });
        skill.unpublished = None;
    }
    sim.saved(Change::Skill(skill_id)).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `POST /v1/skills/{skillId}/unpublish`
pub(crate) async fn unpublish(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(skill_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    validate::skill_id(&skill_id, "path")?;
    validate::accept_language(&headers)?;
    let body = validate::json_object(&body, "request")?;
    let kind = validate::required_string(&body, "type", "type")?;
    if !matches!(kind, "HIDE" | "REMOVE") {
        return Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!("type (body) must be HIDE or REMOVE, got `{kind}`"),
        ));
    }
    let reason = validate::required_string(&body, "reason", "reason")?;
    if !UNPUBLISH_REASONS.contains(&reason) {
        return Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!(
                "reason (body) must be one of {}, got `{reason}`",
                UNPUBLISH_REASONS
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let now = Utc::now();
    {
        let mut state = sim.store.write();
        let skill = owned_mut(&mut state, &skill_id, &caller)?;
        if skill.live(now).is_none() {
            return Err(ApiError::not_found(format!(
                "skill {skill_id} has no live stage to unpublish (it has not been published)"
            )));
        }
        skill.materialise_live(now);
        skill.unpublished = Some(Unpublish {
            kind: kind.to_owned(),
            reason: reason.to_owned(),
            at: now,
        });
    }
    sim.saved(Change::Skill(skill_id)).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

//! HTTP routes, one module per reference page (plus LWA and the admin endpoints).

mod admin;
mod discovery;
mod lwa;
mod publishing;
mod resource_schema;
mod skills;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::sim::Sim;
use crate::state::{Skill, State};

/// Every route of the simulator.
pub(crate) fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/auth/o2/token", post(lwa::token))
        .route(
            "/_presigned/schemas/{resource}",
            get(resource_schema::presigned),
        )
        .route("/v1/skills", get(skills::list).post(skills::create))
        .route(
            "/v1/skills/resourceSchema/{resource}",
            get(resource_schema::get),
        )
        .route("/v1/skills/{skill_id}", delete(skills::delete))
        .route("/v1/skills/{skill_id}/", delete(skills::delete))
        .route("/v1/skills/{skill_id}/status", get(skills::status))
        .route(
            "/v1/skills/{skill_id}/stages/{stage}/manifest",
            get(skills::get_manifest).put(skills::update_manifest),
        )
        .route(
            "/v1/skills/{skill_id}/publications/~latest",
            get(publishing::latest),
        )
        .route(
            "/v1/skills/{skill_id}/publications",
            post(publishing::submit),
        )
        .route(
            "/v1/skills/{skill_id}/unpublish",
            post(publishing::unpublish),
        )
        .route("/v1/discoverySessions", post(discovery::create))
        .route("/v1/discoverySessions/{id}", get(discovery::get))
        .route("/_sim/counters", get(admin::counters))
        .route("/_sim/reset", post(admin::reset))
        .route("/_sim/health", get(admin::health))
        .fallback(not_found)
        .with_state(sim)
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no such resource: {}", uri.path()))
}

/// Decoded query pairs, in order (repeated names kept).
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

/// The last value of a query parameter.
pub(crate) fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The skill, if it exists (404) and belongs to the caller's vendor (403).
pub(crate) fn owned<'a>(
    state: &'a State,
    skill_id: &str,
    caller: &Caller,
) -> Result<&'a Skill, ApiError> {
    let skill = state
        .skills
        .get(skill_id)
        .ok_or_else(|| ApiError::not_found(format!("skill {skill_id} does not exist")))?;
    check_owner(skill, caller)?;
    Ok(skill)
}

/// Mutable [`owned`].
pub(crate) fn owned_mut<'a>(
    state: &'a mut State,
    skill_id: &str,
    caller: &Caller,
) -> Result<&'a mut Skill, ApiError> {
    let skill = state
        .skills
        .get_mut(skill_id)
        .ok_or_else(|| ApiError::not_found(format!("skill {skill_id} does not exist")))?;
    check_owner(skill, caller)?;
    Ok(skill)
}

fn check_owner(skill: &Skill, caller: &Caller) -> Result<(), ApiError> {
    if skill.vendor_id == caller.vendor_id {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "skill {} belongs to a vendor other than the access token's",
            skill.id
        )))
    }
}

/// `202 Accepted` with `Location: /v1/skills/{id}/status?resource=manifest`, optionally a body.
pub(crate) fn accepted_with_status_location(
    skill_id: &str,
    body: Option<serde_json::Value>,
) -> Response {
    let mut response = match body {
        Some(body) => crate::error::json_response(StatusCode::ACCEPTED, &body),
        None => StatusCode::ACCEPTED.into_response(),
    };
    let location = format!("/v1/skills/{skill_id}/status?resource=manifest");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

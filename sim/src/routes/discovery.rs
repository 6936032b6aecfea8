//! Discovery Session page. Errors use the `{type, message}` shape.
//!
//! Region: a `/na`, `/eu` or `/fe` path prefix wins; otherwise the `Host` header
//! (`api.eu.amazonalexa.com` = EU, `api.fe.amazonalexa.com` = FE, anything else = NA).
//! A session is visible only in its region, and for one hour.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::{owned, query_pairs, query_value};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorFamily, json_response};
use crate::persist::Change;
use crate::server::RequestRegion;
use crate::sim::{Sim, later};
use crate::state::DiscoverySession;
use crate::validate;

/// How long a session stays readable (the page: "The URL is valid for one hour").
const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(1);

fn discovery(e: ApiError) -> ApiError {
    e.in_family(ErrorFamily::Discovery)
}

/// `POST /v1/discoverySessions?unit={unitId}`
pub(crate) async fn create(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Extension(region): Extension<RequestRegion>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    create_inner(&sim, &caller, region, raw.as_deref(), &body)
        .await
        .map_err(discovery)
}

async fn create_inner(
    sim: &Sim,
    caller: &Caller,
    region: RequestRegion,
    raw: Option<&str>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let pairs = query_pairs(raw);
    let unit = query_value(&pairs, "unit").ok_or_else(|| ApiError::missing("unit", "query"))?;
    if unit.is_empty() {
        return Err(ApiError::bad_request(
            "INVALID_STRING_LENGTH",
            "unit (query) must not be empty",
        ));
    }
    let body = validate::json_object(body, "request")?;
    let reporter = validate::required_object(&body, "endpointReporter", "endpointReporter")?;
    let kind = validate::required_string(reporter, "type", "endpointReporter.type")?;
    if kind != "SKILL" {
        return Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!("endpointReporter.type (body) must be SKILL, got `{kind}`"),
        ));
    }
    let value = validate::required_object(reporter, "value", "endpointReporter.value")?;
    let skill_id = validate::required_string(value, "skillId", "endpointReporter.value.skillId")?;
    validate::skill_id(skill_id, "body endpointReporter.value")?;
    match value.get("skillStage") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(s)) if s == "development" || s == "live" => {}
        Some(other) => {
            return Err(ApiError::bad_request(
                "INVALID_ENUM_VALUE",
                format!(
                    "endpointReporter.value.skillStage (body) must be development or live, got {other}"
                ),
            ));
        }
    }
    let now = Utc::now();
    let id = format!("amzn1.alexa.discoverySession.{}", uuid::Uuid::new_v4());
    {
        let mut state = sim.store.write();
        owned(&state, skill_id, caller)?;
        state
            .sessions
            .retain(|_, s| now - s.created_at < SESSION_LIFETIME);
        state.sessions.insert(
            id.clone(),
            DiscoverySession {
                region: region.region,
                vendor_id: caller.vendor_id.clone(),
                unit: unit.to_owned(),
                skill_id: skill_id.to_owned(),
                created_at: now,
                ready_at: later(now, sim.settings.discovery_delay),
            },
        );
    }
    sim.saved(Change::Session(id.clone())).await?;
    let prefix = if region.prefixed {
        region.region.path_prefix()
    } else {
        ""
    };
    let location = format!("{prefix}/v1/discoverySessions/{id}");
    let mut response = json_response(StatusCode::CREATED, &json!({ "id": id }));
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `GET /v1/discoverySessions/{id}`
pub(crate) async fn get(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Extension(region): Extension<RequestRegion>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let state = sim.store.read();
    let session = state
        .sessions
        .get(&id)
        .filter(|s| s.region == region.region && now - s.created_at < SESSION_LIFETIME)
        .ok_or_else(|| {
            discovery(ApiError::not_found(format!(
                "discovery session {id} not found in region {}",
                region.region.name()
            )))
        })?;
    if session.vendor_id != caller.vendor_id {
        return Err(discovery(ApiError::forbidden(format!(
            "discovery session {id} belongs to a vendor other than the access token's"
        ))));
    }
    let value = if now < session.ready_at {
        "IN_PROGRESS"
    } else {
        "SUCCEEDED"
    };
    Ok(json_response(
        StatusCode::OK,
        &json!({ "status": { "value": value } }),
    ))
}

//! Login with Amazon token endpoint: `POST /auth/o2/token`, `grant_type=refresh_token`.
//!
//! As Login with Amazon does, the endpoint takes the parameters form-encoded (RFC 6749, what
//! this crate and the Node SMAPI SDK send) or as a JSON object (what the ASK CLI sends), and
//! matches the path case-insensitively (`/auth/O2/token` too). Errors use LWA's body,
//! `{"error", "error_description"}`, with `Cache-Control: no-store`.
//!
//! Errors follow RFC 6749 §5.2: 400 `invalid_request` (missing parameter),
//! 400 `unsupported_grant_type`, 401 `invalid_client` (unknown client ID or wrong secret),
//! 400 `invalid_grant` (unknown refresh token).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::counters::Counters;
use crate::error::{ApiError, json_response};
use crate::sim::Sim;

/// The request's parameters, from a JSON object or a form body.
fn parameters(
    sim: &Sim,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Vec<(String, String)>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let looks_json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if content_type.starts_with("application/json") || (content_type.is_empty() && looks_json) {
        Counters::bump(&sim.counters.token_json_bodies);
        let object = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The request body is not a JSON object of token request parameters",
                ));
            }
        };
        Ok(object
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                Value::Null => None,
                other => Some((k, other.to_string())),
            })
            .collect())
    } else {
        Counters::bump(&sim.counters.token_form_bodies);
        Ok(form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect())
    }
}

/// `POST /auth/o2/token`
pub(crate) async fn token(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let params = parameters(&sim, &headers, &body)?;
    let param = |name: &str| -> Result<&str, ApiError> {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    format!("The request is missing a required parameter : {name}"),
                )
            })
    };
    let grant_type = param("grant_type")?;
    if grant_type != "refresh_token" {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("grant_type `{grant_type}` is not supported; use refresh_token"),
        ));
    }
    let client_id = param("client_id")?;
    let client_secret = param("client_secret")?;
    let refresh_token = param("refresh_token")?;
    if client_id != sim.settings.client_id || client_secret != sim.settings.client_secret {
        return Err(ApiError::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_id or client_secret is not valid (client authentication failed)",
        ));
    }
    let Some(vendor_id) = sim.settings.refresh_tokens.get(refresh_token) else {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "refresh_token is not valid (unknown, revoked or issued to another client)",
        ));
    };
    let access_token = crate::auth::mint_access_token(&sim, vendor_id).await?;
    Counters::bump(&sim.counters.refreshes);
    let mut response = json_response(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
            "token_type": "bearer",
            "expires_in": sim.settings.access_token_ttl.as_secs(),
        }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

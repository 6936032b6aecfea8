//! Login with Amazon token endpoint: `POST /auth/o2/token`, `grant_type=refresh_token`.
//!
//! Errors follow RFC 6749 §5.2: 400 `invalid_request` (missing parameter),
//! 400 `unsupported_grant_type`, 401 `invalid_client` (unknown client ID or wrong secret),
//! 400 `invalid_grant` (unknown refresh token).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::counters::Counters;
use crate::error::{ApiError, json_response};
use crate::sim::Sim;

/// `POST /auth/o2/token`
pub(crate) async fn token(State(sim): State<Arc<Sim>>, body: Bytes) -> Result<Response, ApiError> {
    let params: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
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
                    format!("{name} (form parameter) is required"),
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

//! Bearer-token checks for API calls and access-token minting.

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;

use crate::error::ApiError;
use crate::persist::Change;
use crate::sim::Sim;
use crate::state::AccessToken;

/// The vendor an accepted access token belongs to (a request extension).
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub vendor_id: String,
}

/// The token in `Authorization: Bearer <token>` (a bare `Authorization: <token>`, as the ASK
/// CLI sends it, is accepted too).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized("Authorization (header) is required: send `Bearer <access token>`")
    })?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authorization (header) is not valid ASCII"))?
        .trim();
    let token = match text.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        Some(_) => {
            return Err(ApiError::unauthorized(
                "Authorization (header) must use the Bearer scheme",
            ));
        }
        None => text,
    };
    if token.is_empty() {
        return Err(ApiError::unauthorized(
            "Authorization (header) carries an empty token",
        ));
    }
    Ok(token)
}

/// Checks the request's access token: 401 when missing, unknown or expired.
pub(crate) fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<(Caller, String), ApiError> {
    let token = bearer_token(headers)?;
    let state = sim.store.read();
    let entry = state.access_tokens.get(token).ok_or_else(|| {
        ApiError::unauthorized("the access token is not valid (unknown to this server)")
    })?;
    if entry.expires_at <= Utc::now() {
        return Err(ApiError::unauthorized(format!(
            "the access token expired at {}",
            entry
                .expires_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        )));
    }
    Ok((
        Caller {
            vendor_id: entry.vendor_id.clone(),
        },
        token.to_owned(),
    ))
}

/// Mints an access token for `vendor_id`, valid for the configured TTL, and waits until it is
/// saved (with `--state`), so a token handed out survives a crash.
pub(crate) async fn mint_access_token(sim: &Sim, vendor_id: &str) -> Result<String, ApiError> {
    let token = mint_unsaved(sim, vendor_id);
    sim.saved(Change::AccessToken(token.clone()))
        .await
        .map_err(|e| {
            ApiError::oauth(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                e.body()["message"]
                    .as_str()
                    .unwrap_or("the token was not saved")
                    .to_owned(),
            )
        })?;
    Ok(token)
}

/// Mints an access token without waiting for the disk (for the library's direct call).
pub(crate) fn mint_unsaved(sim: &Sim, vendor_id: &str) -> String {
    let random: [u8; 32] = rand::random();
    let token = format!("Atza|sim.{}", URL_SAFE_NO_PAD.encode(random));
    let now = Utc::now();
    let expires_at = crate::sim::later(now, sim.settings.access_token_ttl);
    {
        let mut state = sim.store.write();
        state.access_tokens.retain(|_, t| t.expires_at > now);
        state.access_tokens.insert(
            token.clone(),
            AccessToken {
                vendor_id: vendor_id.to_owned(),
                expires_at,
            },
        );
    }
    crate::counters::Counters::bump(&sim.counters.tokens_issued);
    sim.note(Change::AccessToken(token.clone()));
    token
}

//! Admin endpoints under `/_sim` (no auth, no faults, not counted).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::json_response;
use crate::sim::Sim;

/// `GET /_sim/counters`: the counters as JSON (see [`crate::CountersSnapshot`]).
pub(crate) async fn counters(State(sim): State<Arc<Sim>>) -> Response {
    let body = serde_json::to_value(sim.counters.snapshot()).unwrap_or_default();
    json_response(StatusCode::OK, &body)
}

/// `POST /_sim/reset`: clears state like [`crate::SimHandle::reset`]; answers 204.
pub(crate) async fn reset(State(sim): State<Arc<Sim>>) -> Response {
    sim.reset();
    match sim.saved(crate::persist::Change::Everything).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /_sim/health`: `{"status": "ok"}`.
pub(crate) async fn health() -> Response {
    json_response(StatusCode::OK, &json!({ "status": "ok" }))
}

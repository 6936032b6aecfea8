//! Optional exchange recorder: what the simulator answered, request by request.
//!
//! Contract tests read it to validate every response against `openapi/smapi.yaml`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

/// One answered request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Operation ID (see [`crate::Operation`]).
    pub operation: String,
    /// Request method.
    pub method: String,
    /// Request path and query as received (region prefix included).
    pub path: String,
    /// Response status code.
    pub status: u16,
    /// Response headers (lower-case names), in order.
    pub headers: Vec<(String, String)>,
    /// Response body bytes as sent.
    pub body: Vec<u8>,
    /// The fault injected into this response, if any (`truncate`, `malformed`, `503`, ...).
    pub fault: Option<String>,
}

impl Exchange {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (`None` for an empty or non-JSON body).
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Recorder storage; records only while enabled.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    enabled: AtomicBool,
    exchanges: Mutex<Vec<Exchange>>,
}

impl Recorder {
    pub fn new(enabled: bool) -> Self {
        Recorder {
            enabled: AtomicBool::new(enabled),
            exchanges: Mutex::new(Vec::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    pub fn push(&self, exchange: Exchange) {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(exchange);
    }

    pub fn snapshot(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.exchanges.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

//! Request counters, readable from the handle and from `GET /_sim/counters`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::operation::Operation;

/// Live counters (lock-free).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    by_operation: [AtomicU64; Operation::ALL.len()],
    pub requests_total: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub refreshes: AtomicU64,
    pub faults_injected: AtomicU64,
    pub rate_limited: AtomicU64,
    pub presigned_with_authorization: AtomicU64,
    pub token_form_bodies: AtomicU64,
    pub token_json_bodies: AtomicU64,
}

impl Counters {
    pub fn record_request(&self, op: Operation) {
        self.requests_total.fetch_add(1, Ordering::Relaxed);
        self.by_operation[op.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> CountersSnapshot {
        let by_operation = Operation::ALL
            .iter()
            .map(|op| {
                (
                    op.as_str().to_owned(),
                    self.by_operation[op.index()].load(Ordering::Relaxed),
                )
            })
            .collect();
        CountersSnapshot {
            by_operation,
            requests_total: self.requests_total.load(Ordering::Relaxed),
            tokens_issued: self.tokens_issued.load(Ordering::Relaxed),
            refreshes: self.refreshes.load(Ordering::Relaxed),
            faults_injected: self.faults_injected.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            presigned_with_authorization: self.presigned_with_authorization.load(Ordering::Relaxed),
            token_form_bodies: self.token_form_bodies.load(Ordering::Relaxed),
            token_json_bodies: self.token_json_bodies.load(Ordering::Relaxed),
        }
    }

    pub fn reset(&self) {
        for c in &self.by_operation {
            c.store(0, Ordering::Relaxed);
        }
        for c in [
            &self.requests_total,
            &self.tokens_issued,
            &self.refreshes,
            &self.faults_injected,
            &self.rate_limited,
            &self.presigned_with_authorization,
            &self.token_form_bodies,
            &self.token_json_bodies,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// A copy of the counters at one moment.
///
/// Only requests the simulator classifies as an operation count (admin endpoints under `/_sim`
/// and unknown paths do not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountersSnapshot {
    /// Requests per operation ID (every operation present, zero included).
    pub by_operation: BTreeMap<String, u64>,
    /// All classified requests, whatever their outcome.
    pub requests_total: u64,
    /// Access tokens minted (LWA refresh grants and [`crate::SimHandle::issue_access_token`]).
    pub tokens_issued: u64,
    /// Successful `grant_type=refresh_token` exchanges at `/auth/o2/token`.
    pub refreshes: u64,
    /// Faults injected (random, scripted or by the `x-sim-fault` header).
    pub faults_injected: u64,
    /// Requests refused with 429 by the per-token rate limiter.
    pub rate_limited: u64,
    /// Presigned-URL requests that carried an `Authorization` header (they should not).
    pub presigned_with_authorization: u64,
    /// Token requests whose body was form-encoded (`application/x-www-form-urlencoded`).
    #[serde(default)]
    pub token_form_bodies: u64,
    /// Token requests whose body was JSON (as the ASK CLI sends it).
    #[serde(default)]
    pub token_json_bodies: u64,
}

impl CountersSnapshot {
    /// Requests counted for one operation ID (0 for an unknown ID).
    pub fn operation(&self, operation_id: &str) -> u64 {
        self.by_operation.get(operation_id).copied().unwrap_or(0)
    }
}

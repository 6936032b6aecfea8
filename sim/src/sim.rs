//! The shared application state every handler sees.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::counters::Counters;
use crate::error::ApiError;
use crate::faults::FaultInjector;
use crate::persist::{Change, Persister};
use crate::rate_limit::RateLimiter;
use crate::recorder::Recorder;
use crate::request_rules::RequestRules;
use crate::schema::SchemaDocuments;
use crate::signing::Signer;
use crate::state::Store;

/// Fixed settings of a running simulator.
pub(crate) struct Settings {
    pub client_id: String,
    pub client_secret: String,
    /// Refresh token → vendor ID.
    pub refresh_tokens: BTreeMap<String, String>,
    pub access_token_ttl: Duration,
    pub build_delay: Duration,
    pub publication_delay: Duration,
    pub discovery_delay: Duration,
    pub schema_url_ttl: Duration,
}

/// Everything a request handler needs.
pub(crate) struct Sim {
    pub settings: Settings,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub store: Arc<Store>,
    pub persister: Option<Arc<Persister>>,
    pub counters: Counters,
    pub recorder: Recorder,
    pub faults: FaultInjector,
    pub limiter: RateLimiter,
    pub schemas: SchemaDocuments,
    /// What each operation's requests may carry, from the spec.
    pub rules: RequestRules,
    pub signer: Signer,
}

impl Sim {
    /// With `--state`, waits until `change` (already made in memory) is on disk; a handler
    /// answers 2xx only after this succeeded. On failure the change is in memory but may not
    /// survive a restart, so the answer is a 500 that says so.
    pub async fn saved(&self, change: Change) -> Result<(), ApiError> {
        match &self.persister {
            None => Ok(()),
            Some(p) => p.commit(change).await.map_err(|e| {
                ApiError::internal(format!(
                    "the change was made but not saved, so whether it survives a restart is unknown: {e}"
                ))
            }),
        }
    }

    /// With `--state`, queues `change` for the disk without waiting (library calls that
    /// cannot wait; nothing is acknowledged over the wire).
    pub fn note(&self, change: Change) {
        if let Some(p) = &self.persister {
            drop(p.changed(change));
        }
    }

    /// Clears skills, discovery sessions, counters, recorded exchanges, fault scripts and rate
    /// buckets. Issued access tokens stay valid.
    pub fn reset(&self) {
        {
            let mut state = self.store.write();
            state.skills.clear();
            state.sessions.clear();
        }
        self.counters.reset();
        self.recorder.take();
        self.faults.clear_scripts();
        self.limiter.set_rate(self.limiter.rate());
        self.note(Change::Everything);
    }
}

/// `now + d`, saturating at the end of time.
pub(crate) fn later(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(d)
        .ok()
        .and_then(|delta| now.checked_add_signed(delta))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// RFC 3339 with milliseconds and `Z`, as the pages show timestamps.
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

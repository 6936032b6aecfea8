//! [`SimHandle`]: the running simulator, as a test sees it.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{DEFAULT_REFRESH_TOKEN, DEFAULT_VENDOR_ID};
use crate::counters::CountersSnapshot;
use crate::error::SimError;
use crate::faults::{Fault, FaultConfig, ScriptedFault};
use crate::operation::Operation;
use crate::recorder::Exchange;
use crate::sim::Sim;

/// A running simulator. Dropping it stops the server (without waiting); call
/// [`SimHandle::shutdown`] to wait for it and for the last state-file write.
pub struct SimHandle {
    sim: Arc<Sim>,
    addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("url", &self.sim.base_url)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    pub(crate) fn new(
        sim: Arc<Sim>,
        addr: SocketAddr,
        shutdown_tx: watch::Sender<bool>,
        server: JoinHandle<()>,
    ) -> Self {
        SimHandle {
            sim,
            addr,
            shutdown_tx,
            server: Some(server),
        }
    }

    /// Base URL of the SMAPI endpoints, e.g. `http://127.0.0.1:40123` (no trailing slash).
    /// Append `/eu` or `/fe` for discovery sessions in those regions.
    pub fn url(&self) -> &str {
        &self.sim.base_url
    }

    /// Base URL of Login with Amazon (the same server); the token endpoint is
    /// [`SimHandle::token_url`].
    pub fn lwa_url(&self) -> &str {
        &self.sim.base_url
    }

    /// `{lwa_url}/auth/o2/token`.
    pub fn token_url(&self) -> String {
        format!("{}/auth/o2/token", self.sim.base_url)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted LWA client ID.
    pub fn client_id(&self) -> &str {
        &self.sim.settings.client_id
    }

    /// The accepted LWA client secret (a simulator value, not a real secret).
    pub fn client_secret(&self) -> &str {
        &self.sim.settings.client_secret
    }

    /// The seeded refresh token ([`DEFAULT_REFRESH_TOKEN`]), if still configured.
    pub fn default_refresh_token(&self) -> Option<&str> {
        self.sim
            .settings
            .refresh_tokens
            .contains_key(DEFAULT_REFRESH_TOKEN)
            .then_some(DEFAULT_REFRESH_TOKEN)
    }

    /// The vendor of the seeded refresh token ([`DEFAULT_VENDOR_ID`]).
    pub fn default_vendor_id(&self) -> &str {
        DEFAULT_VENDOR_ID
    }

    /// Mints an access token for `vendor_id` directly (no LWA round trip), valid for the
    /// configured access-token TTL.
    pub fn issue_access_token(&self, vendor_id: &str) -> String {
        crate::auth::mint_unsaved(&self.sim, vendor_id)
    }

    /// The counters right now.
    pub fn counters(&self) -> CountersSnapshot {
        self.sim.counters.snapshot()
    }

    /// Clears skills, discovery sessions, counters, recorded exchanges, fault scripts and rate
    /// buckets. Issued access tokens stay valid; random fault settings stay as they are.
    pub fn reset(&self) {
        self.sim.reset();
    }

    /// Replaces the random fault configuration (and re-seeds the draw).
    pub fn set_faults(&self, faults: FaultConfig) -> Result<(), SimError> {
        faults.validate().map_err(SimError::Config)?;
        self.sim.faults.set_config(faults);
        Ok(())
    }

    /// The random fault configuration in force.
    pub fn faults(&self) -> FaultConfig {
        self.sim.faults.config()
    }

    /// The next `count` requests to `operation_id` (e.g. `"getSkillStatus"`) get `fault`.
    ///
    /// ```no_run
    /// # async fn demo(sim: &alexa_smapi_sim::SimHandle) -> Result<(), alexa_smapi_sim::SimError> {
    /// use alexa_smapi_sim::Fault;
    /// sim.fail_next("getSkillManifest", 2, Fault::Unavailable)?;
    /// sim.fail_next("getSkillManifest", 1, Fault::TooManyRequests { retry_after_secs: 1 })?;
    /// # Ok(()) }
    /// ```
    pub fn fail_next(&self, operation_id: &str, count: u32, fault: Fault) -> Result<(), SimError> {
        let operation: Operation = operation_id.parse()?;
        self.sim.faults.script(ScriptedFault {
            operation: Some(operation),
            remaining: count,
            fault,
        });
        Ok(())
    }

    /// The next `count` requests to any operation get `fault`.
    pub fn fail_next_any(&self, count: u32, fault: Fault) {
        self.sim.faults.script(ScriptedFault {
            operation: None,
            remaining: count,
            fault,
        });
    }

    /// Fault scripts not yet used up.
    pub fn pending_fault_scripts(&self) -> Vec<ScriptedFault> {
        self.sim.faults.pending_scripts()
    }

    /// Drops every fault script.
    pub fn clear_fault_scripts(&self) {
        self.sim.faults.clear_scripts();
    }

    /// Changes the per-token rate limit (`None`: unlimited); buckets start full.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.sim.limiter.set_rate(per_second);
    }

    /// Turns the exchange recorder on or off.
    pub fn set_recording(&self, on: bool) {
        self.sim.recorder.set_enabled(on);
    }

    /// Every exchange recorded so far (see [`crate::SimulatorBuilder::record_exchanges`]).
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.sim.recorder.snapshot()
    }

    /// Every exchange recorded so far, clearing the recorder.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        self.sim.recorder.take()
    }

    /// The `--state` file, if any.
    pub fn state_file(&self) -> Option<&Path> {
        self.sim.persister.as_ref().map(|p| p.path())
    }

    /// Stops accepting connections, lets open ones finish, and writes the state file one last
    /// time.
    pub async fn shutdown(mut self) -> Result<(), SimError> {
        self.stop().await
    }

    async fn stop(&mut self) -> Result<(), SimError> {
        self.shutdown_tx.send_replace(true);
        if let Some(server) = self.server.take()
            && let Err(e) = server.await
        {
            tracing::warn!(error = %e, "simulator server task ended abnormally");
        }
        match &self.sim.persister {
            Some(p) => p.close(&self.sim.store),
            None => Ok(()),
        }
    }

    /// Waits until Ctrl-C (or SIGTERM on Unix), then shuts down. For the binary.
    pub async fn run_until_signal(self) -> Result<(), SimError> {
        wait_for_signal().await;
        tracing::info!("shutting down");
        self.shutdown().await
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown_tx.send_replace(true);
        if self.server.is_some()
            && let Some(p) = &self.sim.persister
            && let Err(e) = p.close(&self.sim.store)
        {
            tracing::error!(error = %e, "state not saved on drop");
        }
    }
}

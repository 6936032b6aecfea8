//! `--sim`: a simulator of SMAPI and Login with Amazon inside this process.
//!
//! It listens on an ephemeral loopback port for the duration of the command, and keeps its
//! state (skills, publications, sessions) in a file, so a sequence of `smapi --sim ...`
//! commands behaves like one account. The default file is `smapi-sim-<user>.json` in the
//! temporary directory; `--sim-state` / `SMAPI_SIM_STATE` choose another. Commands sharing a
//! state file should not run at the same time (the last one to finish wins).

use std::path::PathBuf;

use alexa_smapi::{Region, SmapiBuilder};
use alexa_smapi_sim::{SimHandle, Simulator};

use crate::error::CliError;

/// The running simulator and a client builder pointed at it.
pub struct InProcess {
    /// The simulator (shut down with [`InProcess::stop`] to save its state).
    pub handle: SimHandle,
    /// Its vendor.
    pub vendor_id: String,
}

/// The state file used when none is given.
pub fn default_state_file(lookup: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let user = lookup("USER")
        .or_else(|| lookup("USERNAME"))
        .filter(|u| !u.is_empty() && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or_else(|| "shared".to_owned());
    std::env::temp_dir().join(format!("smapi-sim-{user}.json"))
}

impl InProcess {
    /// Starts the simulator on `state_file`.
    pub async fn start(state_file: PathBuf) -> Result<Self, CliError> {
        let handle = Simulator::builder()
            .state_file(&state_file)
            .start()
            .await
            .map_err(|e| CliError::Sim(e.to_string()))?;
        let vendor_id = handle.default_vendor_id().to_owned();
        Ok(InProcess { handle, vendor_id })
    }

    /// A client builder for the simulator: its URLs (each discovery region on its own path
    /// prefix) and a fresh access token of its vendor.
    pub fn builder(&self) -> SmapiBuilder {
        let url = self.handle.url();
        SmapiBuilder::default()
            .base_url(url)
            .discovery_base_url(Region::Na, format!("{url}/na"))
            .discovery_base_url(Region::Eu, format!("{url}/eu"))
            .discovery_base_url(Region::Fe, format!("{url}/fe"))
            .lwa_token_host(self.handle.lwa_url())
            .access_token(self.handle.issue_access_token(&self.vendor_id))
            .vendor_id(self.vendor_id.clone())
    }

    /// Stops the simulator and writes its state file.
    pub async fn stop(self) -> Result<(), CliError> {
        self.handle
            .shutdown()
            .await
            .map_err(|e| CliError::Sim(e.to_string()))
    }
}

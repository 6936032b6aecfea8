//! `--state FILE`: load on start, write after every mutation (debounced), atomically.
//!
//! Each write goes to `FILE.tmp` in the same directory, is flushed to disk, then renamed over
//! `FILE`, so a crash leaves either the old or the new state, never half of one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

use crate::error::SimError;
use crate::state::{State, Store};

/// Current state-file format version.
pub(crate) const STATE_VERSION: u32 = 1;

/// How long a burst of mutations is coalesced before one write.
const DEBOUNCE: Duration = Duration::from_millis(25);

/// Reads the state file; a missing file is a fresh start.
pub(crate) fn load(path: &Path) -> Result<State, SimError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
        Err(e) => {
            return Err(SimError::LoadState {
                path: path.to_owned(),
                reason: e.to_string(),
            });
        }
    };
    let state: State = serde_json::from_slice(&bytes).map_err(|e| SimError::LoadState {
        path: path.to_owned(),
        reason: format!("not a simulator state file: {e}"),
    })?;
    if state.version > STATE_VERSION {
        return Err(SimError::LoadState {
            path: path.to_owned(),
            reason: format!(
                "state file version {} is newer than this simulator's {STATE_VERSION}",
                state.version
            ),
        });
    }
    Ok(state)
}

/// Writes `bytes` to `path` atomically (temp file in the same directory, fsync, rename).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SimError> {
    use std::io::Write;
    let fail = |e: std::io::Error| SimError::SaveState {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut file = std::fs::File::create(&tmp).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Writes the state to disk in the background whenever it is marked dirty.
#[derive(Debug)]
pub(crate) struct Persister {
    path: PathBuf,
    dirty: Notify,
    /// Bumped on every mutation.
    generation: AtomicU64,
    /// The generation last written.
    written: AtomicU64,
}

impl Persister {
    pub fn new(path: PathBuf) -> Self {
        Persister {
            path,
            dirty: Notify::new(),
            generation: AtomicU64::new(0),
            written: AtomicU64::new(0),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Marks the state changed; the background task writes it soon.
    pub fn mark_dirty(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.dirty.notify_one();
    }

    /// Writes the current state now if anything changed since the last write.
    pub fn flush(&self, store: &Store) -> Result<(), SimError> {
        let generation = self.generation.load(Ordering::SeqCst);
        if generation == self.written.load(Ordering::SeqCst) {
            return Ok(());
        }
        let bytes = {
            let state = store.read();
            serde_json::to_vec_pretty(&*state).map_err(|e| SimError::SaveState {
                path: self.path.clone(),
                reason: e.to_string(),
            })?
        };
        write_atomically(&self.path, &bytes)?;
        self.written.fetch_max(generation, Ordering::SeqCst);
        Ok(())
    }

    /// Background loop: wait for a mutation, let a burst settle, write.
    pub async fn run(self: Arc<Self>, store: Arc<Store>) {
        loop {
            self.dirty.notified().await;
            tokio::time::sleep(DEBOUNCE).await;
            let this = Arc::clone(&self);
            let store = Arc::clone(&store);
            let result = tokio::task::spawn_blocking(move || this.flush(&store)).await;
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "state not saved"),
                Err(e) => tracing::error!(error = %e, "state writer task failed"),
            }
        }
    }
}

//! The simulator's data: skills, publications, discovery sessions, access tokens.
//!
//! Asynchronous work (builds, publications, discovery) is modelled with timestamps and read
//! lazily against the clock, so state needs no background tasks and survives a restart as is.

use std::collections::{BTreeMap, HashMap};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::operation::Region;

/// Everything the simulator remembers; serialised as is by `--state FILE`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    /// Format version of the state file.
    #[serde(default)]
    pub version: u32,
    /// Hex key for presigned URLs and list continuation tokens (kept across restarts).
    #[serde(default)]
    pub signing_key: String,
    #[serde(default)]
    pub next_seq: u64,
    #[serde(default)]
    pub skills: HashMap<String, Skill>,
    #[serde(default)]
    pub sessions: HashMap<String, DiscoverySession>,
    #[serde(default)]
    pub access_tokens: HashMap<String, AccessToken>,
}

/// A skill and its stages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Skill {
    pub id: String,
    pub vendor_id: String,
    /// Creation order, for stable listing.
    pub seq: u64,
    pub created_at: DateTime<Utc>,
    pub development: StageManifest,
    /// The live manifest from an earlier publication that has been materialised.
    pub live: Option<StageManifest>,
    pub build: Build,
    pub publication: Option<Publication>,
    pub unpublished: Option<Unpublish>,
}

/// A manifest as stored for one stage, with its entity tag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StageManifest {
    pub manifest: Value,
    /// Bare entity tag (no quotes); the `ETag` header carries it quoted.
    pub etag: String,
    pub revision: u64,
    pub updated_at: DateTime<Utc>,
}

impl StageManifest {
    pub fn new(skill_id: &str, manifest: Value, revision: u64, now: DateTime<Utc>) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(skill_id.as_bytes());
        hasher.update(revision.to_be_bytes());
        hasher.update(manifest.to_string().as_bytes());
        let digest = hasher.finalize();
        let etag = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        StageManifest {
            manifest,
            etag,
            revision,
            updated_at: now,
        }
    }
}

/// Outcome of a build of the development manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BuildStatus {
    InProgress,
    Succeeded,
    Failed,
}

impl BuildStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BuildStatus::InProgress => "IN_PROGRESS",
            BuildStatus::Succeeded => "SUCCEEDED",
            BuildStatus::Failed => "FAILED",
        }
    }
}

/// The latest build of the development manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Build {
    pub ready_at: DateTime<Utc>,
    pub errors: Vec<String>,
}

impl Build {
    pub fn status(&self, now: DateTime<Utc>) -> BuildStatus {
        if now < self.ready_at {
            BuildStatus::InProgress
        } else if self.errors.is_empty() {
            BuildStatus::Succeeded
        } else {
            BuildStatus::Failed
        }
    }
}

/// Publication status values from the publishing page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicationStatus {
    Scheduled,
    InProgress,
    Succeeded,
    Failed,
}

impl PublicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PublicationStatus::Scheduled => "SCHEDULED",
            PublicationStatus::InProgress => "IN_PROGRESS",
            PublicationStatus::Succeeded => "SUCCEEDED",
            PublicationStatus::Failed => "FAILED",
        }
    }
}

/// The latest submission for publication.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Publication {
    pub submitted_at: DateTime<Utc>,
    /// Requested (or effective, when none or a past one was given) publication time.
    pub publishes_at: DateTime<Utc>,
    /// When the publication finishes (publishes_at + publication delay).
    pub done_at: DateTime<Utc>,
    /// The submission fails because the development build had not succeeded.
    pub fails: bool,
    /// The development manifest as submitted; becomes the live stage on success.
    pub snapshot: StageManifest,
}

impl Publication {
    pub fn status(&self, now: DateTime<Utc>) -> PublicationStatus {
        if self.fails {
            PublicationStatus::Failed
        } else if now < self.publishes_at {
            PublicationStatus::Scheduled
        } else if now < self.done_at {
            PublicationStatus::InProgress
        } else {
            PublicationStatus::Succeeded
        }
    }
}

/// The latest unpublish request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Unpublish {
    /// `HIDE` or `REMOVE`.
    pub kind: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl Skill {
    /// The live manifest at `now`, if the skill has ever been published.
    pub fn live(&self, now: DateTime<Utc>) -> Option<&StageManifest> {
        match &self.publication {
            Some(p) if p.status(now) == PublicationStatus::Succeeded => Some(&p.snapshot),
            _ => self.live.as_ref(),
        }
    }

    /// Moves a finished publication's snapshot into `live`, before a new submission replaces it.
    pub fn materialise_live(&mut self, now: DateTime<Utc>) {
        if let Some(p) = &self.publication
            && p.status(now) == PublicationStatus::Succeeded
        {
            self.live = Some(p.snapshot.clone());
        }
    }
}

/// A discovery session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DiscoverySession {
    pub region: Region,
    pub vendor_id: String,
    pub unit: String,
    pub skill_id: String,
    pub created_at: DateTime<Utc>,
    pub ready_at: DateTime<Utc>,
}

/// An access token the simulator issued.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct AccessToken {
    pub vendor_id: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("vendor_id", &self.vendor_id)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The state behind a lock. Poisoning is ignored: every mutation leaves the state consistent
/// before anything that could panic.
#[derive(Debug, Default)]
pub(crate) struct Store {
    state: RwLock<State>,
}

impl Store {
    pub fn new(state: State) -> Self {
        Store {
            state: RwLock::new(state),
        }
    }

    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// Stable ordering helper for listings.
pub(crate) fn skills_in_creation_order<'a>(state: &'a State, vendor_id: &str) -> Vec<&'a Skill> {
    let mut by_seq: BTreeMap<u64, &Skill> = BTreeMap::new();
    for skill in state.skills.values().filter(|s| s.vendor_id == vendor_id) {
        by_seq.insert(skill.seq, skill);
    }
    by_seq.into_values().collect()
}

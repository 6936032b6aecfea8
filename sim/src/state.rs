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
    /// Generation of the `--state` journal this snapshot starts (see `persist`).
    #[serde(default)]
    pub generation: u64,
    #[serde(default)]
    pub next_seq: u64,
    #[serde(default)]
    pub skills: Skills,
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

/// Every skill, by ID, plus the listing order: per vendor, by creation sequence number.
///
/// The ordered index makes a page of `listSkillsForVendor` cost O(log n + page size): a
/// continuation token names the last (sequence, stage) listed, and the next page starts right
/// after it. Sequence numbers only grow, so skills created or deleted meanwhile never shift
/// the rows of the others.
#[derive(Debug, Default)]
pub(crate) struct Skills {
    by_id: HashMap<String, Skill>,
    /// (vendor ID, sequence number) → skill ID.
    order: BTreeMap<(String, u64), String>,
}

impl Skills {
    pub fn get(&self, id: &str) -> Option<&Skill> {
        self.by_id.get(id)
    }

    /// The skill, to change anything but its ID, vendor and sequence number (the index keys).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Skill> {
        self.by_id.get_mut(id)
    }

    /// Adds or replaces a skill.
    pub fn insert(&mut self, skill: Skill) {
        if let Some(old) = self.by_id.remove(&skill.id) {
            self.order.remove(&(old.vendor_id, old.seq));
        }
        self.order
            .insert((skill.vendor_id.clone(), skill.seq), skill.id.clone());
        self.by_id.insert(skill.id.clone(), skill);
    }

    pub fn remove(&mut self, id: &str) -> Option<Skill> {
        let skill = self.by_id.remove(id)?;
        self.order.remove(&(skill.vendor_id.clone(), skill.seq));
        Some(skill)
    }

    pub fn clear(&mut self) {
        self.by_id.clear();
        self.order.clear();
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The vendor's skills with sequence number `from_seq` or later, oldest first.
    pub fn of_vendor_from<'a>(
        &'a self,
        vendor_id: &'a str,
        from_seq: u64,
    ) -> impl Iterator<Item = &'a Skill> + 'a {
        self.order
            .range((vendor_id.to_owned(), from_seq)..)
            .take_while(move |((vendor, _), _)| vendor == vendor_id)
            .filter_map(|(_, id)| self.by_id.get(id))
    }
}

impl Serialize for Skills {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.by_id.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Skills {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let by_id = HashMap::<String, Skill>::deserialize(deserializer)?;
        let mut skills = Skills::default();
        for (_, skill) in by_id {
            skills.insert(skill);
        }
        Ok(skills)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(id: &str, vendor: &str, seq: u64) -> Skill {
        let now = Utc::now();
        Skill {
            id: id.into(),
            vendor_id: vendor.into(),
            seq,
            created_at: now,
            development: StageManifest::new(id, Value::Null, 1, now),
            live: None,
            build: Build {
                ready_at: now,
                errors: Vec::new(),
            },
            publication: None,
            unpublished: None,
        }
    }

    #[test]
    fn index_follows_inserts_removes_and_vendors() {
        let mut skills = Skills::default();
        skills.insert(skill("c", "V1", 3));
        skills.insert(skill("a", "V1", 1));
        skills.insert(skill("x", "V0", 2));
        skills.insert(skill("b", "V1", 2));
        skills.insert(skill("y", "V2", 0));
        let ids = |s: &Skills, from| {
            s.of_vendor_from("V1", from)
                .map(|k| k.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&skills, 0), ["a", "b", "c"]);
        assert_eq!(ids(&skills, 2), ["b", "c"]);
        assert_eq!(ids(&skills, 4), Vec::<String>::new());
        skills.remove("b");
        assert_eq!(ids(&skills, 0), ["a", "c"]);
        let text = serde_json::to_string(&skills).unwrap();
        let back: Skills = serde_json::from_str(&text).unwrap();
        assert_eq!(ids(&back, 0), ["a", "c"]);
        assert_eq!(back.len(), 4);
        skills.clear();
        assert_eq!(skills.len(), 0);
        assert_eq!(ids(&skills, 0), Vec::<String>::new());
    }
}

//! `--state FILE`: acknowledged means durable.
//!
//! `FILE` holds a snapshot of the whole state; `FILE.journal` holds what changed since, one
//! JSON line per changed record (a skill, a discovery session, an access token), each line
//! the record's whole current value or its removal. A handler that changed state awaits
//! [`Persister::commit`] before it answers: the writer thread appends the changed records to
//! the journal, `fdatasync`s it, and only then lets the waiting handlers answer. Every handler
//! that changed something while one sync was running shares the next one (group commit), so a
//! sync costs one disk flush however many requests it covers.
//!
//! When the journal outgrows the snapshot, the writer writes a new snapshot (temporary file in
//! the same directory, fsync, rename, directory fsync) and starts a new journal generation; a
//! journal whose generation differs from the snapshot's is older than the snapshot and is
//! ignored on load. A crash can cut the journal's last line short (it was never acknowledged):
//! loading stops at the first line that is not a whole record. Replaying a line sets a record
//! to its value, so replaying twice changes nothing.
//!
//! Why not SQLite: the simulator reads from memory either way, so a database would only be a
//! journal; one with a C build or a system library on every CI machine, and one commit (one
//! sync) per request, where this writer shares one sync among all concurrent requests.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::error::SimError;
use crate::state::{AccessToken, DiscoverySession, Skill, State, Store};

/// Current state-file format version.
pub(crate) const STATE_VERSION: u32 = 2;

/// The journal is compacted into a new snapshot once it is larger than this and the last
/// snapshot.
const MIN_COMPACT_BYTES: u64 = 1 << 20;

/// One changed record, named by its key; the writer reads its value when it writes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Change {
    Skill(String),
    Session(String),
    AccessToken(String),
    /// Anything may have changed (a reset): write a whole snapshot.
    Everything,
}

/// One line of the journal.
// One record exists at a time while a line is read or written; boxing would only add a copy.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
enum Record<'a> {
    /// First line: the snapshot generation this journal continues.
    Journal { generation: u64 },
    /// Every batch starts with the skill sequence counter, so numbers are never reused.
    NextSeq { next_seq: u64 },
    Skill {
        id: Cow<'a, str>,
        value: Option<Cow<'a, Skill>>,
    },
    Session {
        id: Cow<'a, str>,
        value: Option<Cow<'a, DiscoverySession>>,
    },
    AccessToken {
        token: Cow<'a, str>,
        value: Option<Cow<'a, AccessToken>>,
    },
}

fn journal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

fn load_error(path: &Path, reason: impl Into<String>) -> SimError {
    SimError::LoadState {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn save_error(path: &Path, e: impl std::fmt::Display) -> SimError {
    SimError::SaveState {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Reads the snapshot and replays its journal; a missing snapshot is a fresh start.
pub(crate) fn load(path: &Path) -> Result<State, SimError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
        Err(e) => return Err(load_error(path, e.to_string())),
    };
    let mut state: State = serde_json::from_slice(&bytes)
        .map_err(|e| load_error(path, format!("not a simulator state file: {e}")))?;
    if state.version > STATE_VERSION {
        return Err(load_error(
            path,
            format!(
                "state file version {} is newer than this simulator's {STATE_VERSION}",
                state.version
            ),
        ));
    }
    let journal = journal_path(path);
    match std::fs::read(&journal) {
        Ok(bytes) => replay(&mut state, &bytes, &journal),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(load_error(&journal, e.to_string())),
    }
    Ok(state)
}

/// Applies the journal's whole records to `state`, if it continues `state`'s generation.
fn replay(state: &mut State, bytes: &[u8], journal: &Path) {
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let record = |line: Option<&[u8]>| -> Option<Record<'static>> {
        let line = line?.strip_suffix(b"\n")?;
        serde_json::from_slice(line).ok()
    };
    match record(lines.next()) {
        Some(Record::Journal { generation }) if generation == state.generation => {}
        _ => {
            tracing::info!(journal = %journal.display(), "journal predates the snapshot; ignored");
            return;
        }
    }
    let mut applied = 0usize;
    for line in lines.by_ref() {
        let Some(record) = record(Some(line)) else {
            tracing::warn!(
                journal = %journal.display(),
                "journal ends in an incomplete record (cut short by a crash before it was acknowledged); ignored from there"
            );
            break;
        };
        applied += 1;
        match record {
            Record::Journal { .. } => {}
            Record::NextSeq { next_seq } => state.next_seq = state.next_seq.max(next_seq),
            Record::Skill { id, value } => match value {
                Some(skill) => {
                    state.next_seq = state.next_seq.max(skill.seq + 1);
                    state.skills.insert(skill.into_owned());
                }
                None => {
                    state.skills.remove(&id);
                }
            },
            Record::Session { id, value } => match value {
                Some(session) => {
                    state.sessions.insert(id.into_owned(), session.into_owned());
                }
                None => {
                    state.sessions.remove(id.as_ref());
                }
            },
            Record::AccessToken { token, value } => match value {
                Some(access) => {
                    state
                        .access_tokens
                        .insert(token.into_owned(), access.into_owned());
                }
                None => {
                    state.access_tokens.remove(token.as_ref());
                }
            },
        }
    }
    tracing::debug!(records = applied, "journal replayed");
}

/// Creates `path` for writing, readable by its owner only (it holds access tokens).
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Makes a rename in `path`'s directory durable.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes `bytes` to `path` atomically (temp file in the same directory, fsync, rename,
/// directory fsync).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SimError> {
    let fail = |e: std::io::Error| save_error(path, e);
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut file = create_private(&tmp).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(fail)?;
    sync_dir(path).map_err(fail)
}

/// Changes waiting for the writer, and the handlers waiting on them.
#[derive(Default)]
struct Pending {
    changes: BTreeSet<Change>,
    waiters: Vec<oneshot::Sender<Result<(), String>>>,
    stop: bool,
}

/// The open journal.
struct Journal {
    file: File,
    bytes: u64,
    /// Size of the last snapshot written.
    snapshot_bytes: u64,
    /// The last write failed: write a whole snapshot next.
    broken: bool,
}

/// Makes changes durable before they are acknowledged (see the module docs).
pub(crate) struct Persister {
    path: PathBuf,
    journal_path: PathBuf,
    pending: Mutex<Pending>,
    wake: Condvar,
    journal: Mutex<Option<Journal>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Persister {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persister")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Persister {
    pub fn new(path: PathBuf) -> Self {
        Persister {
            journal_path: journal_path(&path),
            path,
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            journal: Mutex::new(None),
            writer: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a fresh snapshot and journal, then starts the writer thread.
    pub fn start(self: &Arc<Self>, store: Arc<Store>) -> Result<(), SimError> {
        self.snapshot(&store)?;
        let this = Arc::clone(self);
        let handle = std::thread::Builder::new()
            .name("sim-state-writer".into())
            .spawn(move || this.run(&store))
            .map_err(|e| save_error(&self.path, e))?;
        *lock(&self.writer) = Some(handle);
        Ok(())
    }

    /// Queues `change` for the writer; the returned receiver answers once it is on disk.
    pub fn changed(&self, change: Change) -> oneshot::Receiver<Result<(), String>> {
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = lock(&self.pending);
            if pending.stop {
                // Shutting down: the final snapshot may or may not include this change.
                let _ = tx.send(Err(
                    "the simulator is shutting down; the change may not have been saved".into(),
                ));
                return rx;
            }
            pending.changes.insert(change);
            pending.waiters.push(tx);
        }
        self.wake.notify_one();
        rx
    }

    /// Waits until `change` (already made in memory) is on disk.
    pub async fn commit(&self, change: Change) -> Result<(), SimError> {
        match self.changed(change).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(SimError::SaveState {
                path: self.path.clone(),
                reason,
            }),
            Err(_) => Err(save_error(&self.path, "the state writer has stopped")),
        }
    }

    fn run(&self, store: &Store) {
        loop {
            let batch = {
                let mut pending = lock(&self.pending);
                while pending.changes.is_empty() && !pending.stop {
                    pending = self.wake.wait(pending).unwrap_or_else(|e| e.into_inner());
                }
                if pending.changes.is_empty() {
                    return;
                }
                (
                    std::mem::take(&mut pending.changes),
                    std::mem::take(&mut pending.waiters),
                )
            };
            let (changes, waiters) = batch;
            let result = self.write(store, &changes);
            if let Err(e) = &result {
                tracing::error!(error = %e, "state not saved");
            }
            let answer = result.map_err(|e| e.to_string());
            for waiter in waiters {
                let _ = waiter.send(answer.clone());
            }
        }
    }

    /// Writes one batch: journal lines, or a whole snapshot when that is due.
    fn write(&self, store: &Store, changes: &BTreeSet<Change>) -> Result<(), SimError> {
        let due = {
            let journal = lock(&self.journal);
            match journal.as_ref() {
                None => true,
                Some(j) => j.broken || j.bytes > MIN_COMPACT_BYTES.max(j.snapshot_bytes),
            }
        };
        if due || changes.contains(&Change::Everything) {
            return self.snapshot(store);
        }
        let mut lines = Vec::new();
        {
            let state = store.read();
            push_line(
                &mut lines,
                &Record::NextSeq {
                    next_seq: state.next_seq,
                },
            )?;
            for change in changes {
                let record = match change {
                    Change::Skill(id) => Record::Skill {
                        id: Cow::Borrowed(id),
                        value: state.skills.get(id).map(Cow::Borrowed),
                    },
                    Change::Session(id) => Record::Session {
                        id: Cow::Borrowed(id),
                        value: state.sessions.get(id).map(Cow::Borrowed),
                    },
                    Change::AccessToken(token) => Record::AccessToken {
                        token: Cow::Borrowed(token),
                        value: state.access_tokens.get(token).map(Cow::Borrowed),
                    },
                    Change::Everything => continue,
                };
                push_line(&mut lines, &record)?;
            }
        }
        let mut guard = lock(&self.journal);
        let Some(journal) = guard.as_mut() else {
            drop(guard);
            return self.snapshot(store);
        };
        let written = journal
            .file
            .write_all(&lines)
            .and_then(|()| journal.file.sync_data());
        match written {
            Ok(()) => {
                journal.bytes += lines.len() as u64;
                Ok(())
            }
            Err(e) => {
                journal.broken = true;
                Err(save_error(&self.journal_path, e))
            }
        }
    }

    /// Writes the whole state as a new snapshot generation and starts its empty journal.
    pub fn snapshot(&self, store: &Store) -> Result<(), SimError> {
        let mut guard = lock(&self.journal);
        let generation = {
            let mut state = store.write();
            state.version = STATE_VERSION;
            state.generation += 1;
            state.generation
        };
        let bytes = {
            let state = store.read();
            serde_json::to_vec(&*state).map_err(|e| save_error(&self.path, e))?
        };
        write_atomically(&self.path, &bytes)?;
        let mut header = Vec::new();
        push_line(&mut header, &Record::Journal { generation })?;
        write_atomically(&self.journal_path, &header)?;
        let file = OpenOptions::new()
            .append(true)
            .open(&self.journal_path)
            .map_err(|e| save_error(&self.journal_path, e))?;
        *guard = Some(Journal {
            file,
            bytes: header.len() as u64,
            snapshot_bytes: bytes.len() as u64,
            broken: false,
        });
        Ok(())
    }

    /// Stops the writer after the changes queued so far, then writes a final snapshot and
    /// removes the journal (a clean shutdown leaves the one state file).
    pub fn close(&self, store: &Store) -> Result<(), SimError> {
        lock(&self.pending).stop = true;
        self.wake.notify_all();
        if let Some(writer) = lock(&self.writer).take()
            && writer.join().is_err()
        {
            tracing::error!("state writer thread panicked");
        }
        self.snapshot(store)?;
        *lock(&self.journal) = None;
        match std::fs::remove_file(&self.journal_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(save_error(&self.journal_path, e)),
        }
        sync_dir(&self.path).map_err(|e| save_error(&self.path, e))
    }
}

fn push_line(out: &mut Vec<u8>, record: &Record<'_>) -> Result<(), SimError> {
    serde_json::to_writer(&mut *out, record).map_err(|e| SimError::SaveState {
        path: PathBuf::new(),
        reason: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Build, StageManifest};
    use chrono::Utc;

    fn skill(id: &str, seq: u64, name: &str) -> Skill {
        let now = Utc::now();
        Skill {
            id: id.into(),
            vendor_id: "V".into(),
            seq,
            created_at: now,
            development: StageManifest::new(id, serde_json::json!({ "name": name }), 1, now),
            live: None,
            build: Build {
                ready_at: now,
                errors: Vec::new(),
            },
            publication: None,
            unpublished: None,
        }
    }

    fn started(path: &Path) -> (Arc<Persister>, Arc<Store>) {
        let store = Arc::new(Store::new(load(path).unwrap()));
        let persister = Arc::new(Persister::new(path.to_owned()));
        persister.start(Arc::clone(&store)).unwrap();
        (persister, store)
    }

    fn add(store: &Store, id: &str, name: &str) {
        let mut state = store.write();
        let seq = state.next_seq;
        state.next_seq += 1;
        state.skills.insert(skill(id, seq, name));
    }

    fn names(state: &State) -> Vec<String> {
        state
            .skills
            .of_vendor_from("V", 0)
            .map(|s| s.development.manifest["name"].as_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn committed_changes_replay_without_a_clean_shutdown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let (persister, store) = started(&path);
        add(&store, "a", "a1");
        persister.commit(Change::Skill("a".into())).await.unwrap();
        add(&store, "b", "b1");
        persister.commit(Change::Skill("b".into())).await.unwrap();
        store.write().skills.remove("a");
        persister.commit(Change::Skill("a".into())).await.unwrap();
        // No close(): as after SIGKILL, the snapshot is the empty start and the journal has it all.
        let state = load(&path).unwrap();
        assert_eq!(names(&state), ["b1"]);
        assert_eq!(state.next_seq, 2, "sequence numbers are never reused");

        // A record cut short by a crash is ignored; what precedes it stays.
        let journal = journal_path(&path);
        let mut bytes = std::fs::read(&journal).unwrap();
        bytes.extend_from_slice(br#"{"record":"skill","id":"c","val"#);
        std::fs::write(&journal, &bytes).unwrap();
        assert_eq!(names(&load(&path).unwrap()), ["b1"]);
        persister.close(&store).unwrap();
        assert!(
            !journal.exists(),
            "a clean shutdown leaves the snapshot only"
        );
        assert_eq!(names(&load(&path).unwrap()), ["b1"]);
    }

    #[tokio::test]
    async fn a_journal_older_than_the_snapshot_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let (persister, store) = started(&path);
        add(&store, "a", "a1");
        persister.commit(Change::Skill("a".into())).await.unwrap();
        let old_journal = std::fs::read(journal_path(&path)).unwrap();
        // A newer snapshot (as compaction writes it) in which `a` was changed again; then a
        // crash before the journal was replaced leaves the old journal beside it.
        store
            .write()
            .skills
            .get_mut("a")
            .unwrap()
            .development
            .manifest["name"] = "a2".into();
        persister.snapshot(&store).unwrap();
        std::fs::write(journal_path(&path), &old_journal).unwrap();
        assert_eq!(names(&load(&path).unwrap()), ["a2"]);
        persister.close(&store).unwrap();
    }

    #[tokio::test]
    async fn a_growing_journal_is_folded_into_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let (persister, store) = started(&path);
        let big = "x".repeat(64 * 1024);
        for i in 0..40 {
            let id = format!("s{i}");
            add(&store, &id, &big);
            persister.commit(Change::Skill(id)).await.unwrap();
        }
        let journal = std::fs::metadata(journal_path(&path)).unwrap().len();
        assert!(
            journal < MIN_COMPACT_BYTES + 128 * 1024,
            "journal never compacted: {journal} bytes"
        );
        assert_eq!(load(&path).unwrap().skills.len(), 40);
        persister.close(&store).unwrap();
    }

    #[tokio::test]
    async fn a_failed_write_is_reported_and_the_next_batch_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let (persister, store) = started(&path);
        // Swap the journal for a handle that cannot write.
        lock(&persister.journal).as_mut().unwrap().file = File::open(journal_path(&path)).unwrap();
        add(&store, "a", "a1");
        let err = persister
            .commit(Change::Skill("a".into()))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("journal"), "{err}");
        add(&store, "b", "b1");
        persister.commit(Change::Skill("b".into())).await.unwrap();
        assert_eq!(names(&load(&path).unwrap()), ["a1", "b1"]);
        persister.close(&store).unwrap();
    }
}

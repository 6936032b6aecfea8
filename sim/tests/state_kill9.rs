//! `--state FILE`: an acknowledged change survives SIGKILL of the simulator process.
//!
//! Sixteen clients create, update and delete skills as fast as they can; the moment the
//! target number of changes has been acknowledged, the process is killed with SIGKILL while
//! other writes are still in flight. After a restart on the same file, every acknowledged
//! change is there; a change that was in flight may or may not be (it was never acknowledged).
//! Three rounds run on one file, so later rounds also replay a journal left by a kill.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const WORKERS: usize = 16;
const ROUNDS: usize = 3;
/// Acknowledged writes per round before the kill.
const ACKED_PER_ROUND: usize = 240;

struct Running {
    child: Child,
    url: String,
}

fn spawn_binary(state: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alexa-smapi-sim"))
        .args(["--port", "0", "--build-delay-ms", "0", "--state"])
        .arg(state)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // Keep reading, so the banner's later lines never meet a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = first.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    Running { child, url }
}

/// What a skill must look like after the restart.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Manifest(Value),
    Deleted,
}

/// Per skill: the state after its last acknowledged write, and the state after a write that
/// was in flight at the kill (if any).
#[derive(Debug, Default)]
struct Ledger {
    skills: BTreeMap<String, (Expect, Option<Expect>)>,
}

async fn access_token(http: &reqwest::Client, url: &str) -> String {
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", alexa_smapi_sim::DEFAULT_CLIENT_ID),
        ("client_secret", alexa_smapi_sim::DEFAULT_CLIENT_SECRET),
        ("refresh_token", alexa_smapi_sim::DEFAULT_REFRESH_TOKEN),
    ];
    let body = fetch_json(http.post(format!("{url}/auth/o2/token")).form(&form)).await;
    body["access_token"].as_str().unwrap().to_owned()
}

/// Kills the process with SIGKILL the moment the target number of writes is acknowledged.
struct Killer {
    child: Mutex<Child>,
    acked: AtomicUsize,
    /// Time from the target acknowledgement to the kill.
    gap: Mutex<Option<Duration>>,
}

impl Killer {
    fn acknowledged(&self) {
        let acked_at = Instant::now();
        if self.acked.fetch_add(1, Ordering::SeqCst) + 1 == ACKED_PER_ROUND {
            self.child.lock().unwrap().kill().unwrap();
            *self.gap.lock().unwrap() = Some(acked_at.elapsed());
        }
    }
}

/// One client: create a skill, update it twice, delete every other one; repeat until the
/// process dies. Every acknowledged write goes into the ledger, then is reported on `acks`.
async fn worker(api: Api, w: usize, round: usize, ledger: Arc<Mutex<Ledger>>, killer: Arc<Killer>) {
    for n in 0.. {
        let name = |v: usize| manifest(&format!("r{round} w{w} s{n} v{v}"));
        let Ok(resp) = api
            .post("/v1/skills")
            .json(&json!({ "vendorId": VENDOR, "manifest": name(0) }))
            .send()
            .await
        else {
            return;
        };
        // A create whose answer never arrived has no known ID: nothing to check.
        let Ok(body) = resp.json::<Value>().await else {
            return;
        };
        let id = body["skillId"]
            .as_str()
            .expect("create answered with a skill ID")
            .to_owned();
        ledger
            .lock()
            .unwrap()
            .skills
            .insert(id.clone(), (Expect::Manifest(name(0)), None));
        killer.acknowledged();
        let path = manifest_path(&id, "development");
        let deletes = n % 2 == 1;
        let steps = if deletes { 3 } else { 2 };
        for step in 1..=steps {
            let (request, expect) = if step == 3 {
                (api.delete(&format!("/v1/skills/{id}")), Expect::Deleted)
            } else {
                (
                    api.put(&path).json(&json!({ "manifest": name(step) })),
                    Expect::Manifest(name(step)),
                )
            };
            ledger.lock().unwrap().skills.get_mut(&id).unwrap().1 = Some(expect.clone());
            let status = match request.send().await {
                Ok(resp) => resp.status(),
                Err(_) => return, // in flight at the kill
            };
            assert!(
                status.is_success(),
                "write {step} of {id} answered {status}"
            );
            *ledger.lock().unwrap().skills.get_mut(&id).unwrap() = (expect, None);
            killer.acknowledged();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_right_after_acknowledged_writes_loses_none() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let http = reqwest::Client::new();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut tokens = Vec::new();

    for round in 0..ROUNDS {
        let running = spawn_binary(&file);
        let token = access_token(&http, &running.url).await;
        tokens.push(token.clone());
        let killer = Arc::new(Killer {
            child: Mutex::new(running.child),
            acked: AtomicUsize::new(0),
            gap: Mutex::new(None),
        });
        let mut workers = Vec::new();
        for w in 0..WORKERS {
            let api = Api {
                http: reqwest::Client::new(),
                base: running.url.clone(),
                token: token.clone(),
            };
            workers.push(tokio::spawn(worker(
                api,
                w,
                round,
                Arc::clone(&ledger),
                Arc::clone(&killer),
            )));
        }
        // Every worker stops at its first failed request, which the kill causes.
        for worker in workers {
            worker.await.unwrap();
        }
        killer.child.lock().unwrap().wait().unwrap();
        let gap = killer
            .gap
            .lock()
            .unwrap()
            .expect("workers stopped before the kill");
        let in_flight = ledger
            .lock()
            .unwrap()
            .skills
            .values()
            .filter(|(_, pending)| pending.is_some())
            .count();
        println!(
            "round {round}: killed {:.3} ms after the {ACKED_PER_ROUND}th acknowledged write, {in_flight} writes in flight",
            gap.as_secs_f64() * 1000.0
        );
        assert!(gap < Duration::from_millis(100), "kill came {gap:?} late");
    }

    let mut running = spawn_binary(&file);
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    // Every access token issued in any round still works.
    for token in &tokens {
        let resp = http
            .get(format!("{}/v1/skills?vendorId={VENDOR}", running.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "token lost");
    }
    let api = Api {
        http: http.clone(),
        base: running.url.clone(),
        token: tokens[0].clone(),
    };
    let mut alive = std::collections::BTreeSet::new();
    for (id, (acked, pending)) in &ledger.skills {
        let resp = api.get_response(&manifest_path(id, "development")).await;
        let found = match resp.status() {
            StatusCode::OK => {
                Expect::Manifest(resp.json::<Value>().await.unwrap()["manifest"].clone())
            }
            StatusCode::NOT_FOUND => Expect::Deleted,
            other => panic!("{id}: {other}"),
        };
        assert!(
            &found == acked || Some(&found) == pending.as_ref(),
            "{id}: acknowledged {acked:?}, in flight {pending:?}, found {found:?}"
        );
        if found != Expect::Deleted {
            alive.insert(id.clone());
        }
    }
    // The listing agrees: every live skill of the ledger, in creation order, none twice.
    let mut listed = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("/v1/skills?vendorId={VENDOR}&maxResults=50");
        if let Some(t) = &next {
            path.push_str(&format!("&nextToken={t}"));
        }
        let page = api.get_json(&path).await;
        for row in page["skills"].as_array().unwrap() {
            listed.push(row["skillId"].as_str().unwrap().to_owned());
        }
        match page["nextToken"].as_str() {
            Some(t) => next = Some(t.to_owned()),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(unique.len(), listed.len(), "a skill listed twice");
    for id in ledger.skills.keys() {
        assert_eq!(
            unique.contains(id),
            alive.contains(id),
            "{id}: listing and manifest disagree"
        );
    }
    // Skills whose create was in flight at a kill have no known ID; there are few of them.
    assert!(listed.len() - alive.len() <= WORKERS * ROUNDS);
    running.child.kill().unwrap();
    running.child.wait().unwrap();
    println!(
        "after {ROUNDS} kills: {} skills checked ({} alive), {} tokens valid",
        ledger.skills.len(),
        alive.len(),
        tokens.len()
    );
}

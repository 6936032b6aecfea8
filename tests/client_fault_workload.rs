//! A 500-operation workload under 20% injected faults: nothing lost, nothing duplicated,
//! attempts bounded. Every attempt the client makes is counted from its tracing spans and
//! checked against the requests the simulator saw.

mod client_support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alexa_smapi::{Error, Stage};
use alexa_smapi_sim::{FaultConfig, Simulator};
use client_support::{builder, fast_retry, manifest};
use futures::{StreamExt, TryStreamExt};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Counts `smapi.request` spans and the attempts each one reports.
#[derive(Default)]
struct AttemptCounter {
    attempts: Mutex<BTreeMap<u64, u64>>,
    spans: AtomicU64,
}

static COUNTER: std::sync::LazyLock<std::sync::Arc<AttemptCounter>> =
    std::sync::LazyLock::new(Default::default);

struct Forward(std::sync::Arc<AttemptCounter>);

struct AttemptsVisitor(Option<u64>);
impl Visit for AttemptsVisitor {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "attempts" {
            self.0 = Some(value);
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for Forward {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "smapi.request" {
            self.0.spans.fetch_add(1, Ordering::Relaxed);
            self.0.attempts.lock().unwrap().insert(id.into_u64(), 0);
        }
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut v = AttemptsVisitor(None);
        values.record(&mut v);
        if let Some(n) = v.0
            && let Some(slot) = self.0.attempts.lock().unwrap().get_mut(&id.into_u64())
        {
            *slot = (*slot).max(n);
        }
    }
}

/// Creates a skill named `name` exactly once despite ambiguous failures: after an error that
/// may hide a success, look for the skill before trying again.
async fn create_exactly_once(smapi: &alexa_smapi::Smapi, name: &str) -> String {
    for _ in 0..10 {
        match smapi.skills().create(manifest(name)).await {
            Ok(created) => return created.skill_id.into(),
            Err(_) => {
                let found = find_by_name(smapi, name).await;
                if let Some(id) = found {
                    return id;
                }
            }
        }
    }
    panic!("could not create {name}");
}

async fn find_by_name(smapi: &alexa_smapi::Smapi, name: &str) -> Option<String> {
    for _ in 0..10 {
        let listed: Result<Vec<_>, _> = smapi
            .skills()
            .list()
            .page_size(50)
            .stream()
            .try_collect()
            .await;
        if let Ok(all) = listed {
            return all
                .into_iter()
                .find(|s| s.name_by_locale.get("en-US").map(String::as_str) == Some(name))
                .map(|s| s.skill_id);
        }
    }
    panic!("listing kept failing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_operations_under_twenty_percent_faults_lose_nothing_and_duplicate_nothing() {
    tracing_subscriber::registry()
        .with(Forward(COUNTER.clone()))
        .init();
    let faults = FaultConfig {
        error_500: 0.05,
        error_503: 0.05,
        error_429: 0.04,
        retry_after_secs: 0,
        reset: 0.03,
        truncate: 0.015,
        malformed: 0.015,
        seed: 42,
        ..FaultConfig::default()
    };
    let sim = Simulator::builder()
        .async_delay(Duration::from_millis(5))
        .start()
        .await
        .unwrap();
    let smapi = builder(&sim)
        .access_token(sim.issue_access_token(sim.default_vendor_id()))
        .retry_policy(fast_retry().max_attempts(8))
        .build()
        .unwrap();
    sim.set_faults(faults).unwrap();
    const SKILLS: usize = 50;
    // Ten operations per skill: create, wait built, get, modify x2, status, get, list by id,
    // delete, get after delete (404) = 500 operations.
    let outcomes: Vec<(String, usize)> = futures::stream::iter(0..SKILLS)
        .map(|i| {
            let smapi = smapi.clone();
            async move {
                let name = format!("fault-workload-{i:03}");
                let mut ops = 0;
                let id = create_exactly_once(&smapi, &name).await;
                ops += 1;
                smapi.skills().wait_until_built(&id).await.expect("built");
                ops += 1;
                smapi
                    .skills()
                    .manifest(&id, Stage::Development)
                    .await
                    .expect("get");
                ops += 1;
                for round in 0..2 {
                    let value = format!("round-{round}");
                    let mut attempt = 0;
                    loop {
                        attempt += 1;
                        let value = value.clone();
                        let result = smapi
                            .skills()
                            .modify_manifest(&id, move |m| {
                                m.extra.insert(
                                    "x-test-round".into(),
                                    serde_json::json!(value.clone()),
                                );
                            })
                            .await;
                        match result {
                            Ok(_) => break,
                            // 409 while the previous update builds: wait and try again.
                            Err(Error::Api { status: 409, .. }) if attempt < 50 => {
                                smapi.skills().wait_until_built(&id).await.expect("built");
                            }
                            Err(e) => panic!("modify {name}: {e}"),
                        }
                    }
                    ops += 1;
                }
                smapi.skills().wait_until_built(&id).await.expect("built");
                smapi.skills().status(&id).await.expect("status");
                ops += 1;
                let m = smapi
                    .skills()
                    .manifest(&id, Stage::Development)
                    .await
                    .expect("get");
                assert_eq!(
                    m.manifest.extra.get("x-test-round"),
                    Some(&serde_json::json!("round-1"))
                );
                ops += 1;
                let found: Vec<_> = smapi
                    .skills()
                    .list_by_ids([id.clone()])
                    .try_collect()
                    .await
                    .expect("list");
                assert!(found.iter().any(|s| s.skill_id == id));
                ops += 1;
                smapi.skills().delete(&id).await.expect("delete");
                ops += 1;
                let gone = smapi
                    .skills()
                    .manifest(&id, Stage::Development)
                    .await
                    .unwrap_err();
                assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
                ops += 1;
                (name, ops)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let total: usize = outcomes.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 500, "no operation lost");
    let names: BTreeSet<_> = outcomes.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names.len(), SKILLS);

    sim.set_faults(FaultConfig::default()).unwrap();
    let counters = sim.counters();
    let attempts = COUNTER.attempts.lock().unwrap().clone();
    assert!(
        counters.operation("createSkillForVendor") as usize >= SKILLS,
        "{counters:?}"
    );
    // No duplicate: every skill was deleted, so nothing of ours may be left over.
    let left: Vec<_> = smapi.skills().list().stream().try_collect().await.unwrap();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for s in &left {
        if let Some(n) = s.name_by_locale.get("en-US") {
            *by_name.entry(n.clone()).or_default() += 1;
        }
    }
    assert!(
        by_name.is_empty(),
        "left-over (duplicate) skills: {by_name:?}"
    );
    assert!(
        counters.faults_injected > 50,
        "faults really happened: {counters:?}"
    );
    // Bounded attempts, and every request the simulator saw is an attempt the client made.
    let max = attempts.values().copied().max().unwrap_or(0);
    let sum: u64 = attempts.values().sum();
    assert!(max <= 8, "an operation took {max} attempts");
    assert!(max >= 2, "retries really happened");
    assert_eq!(
        sum, counters.requests_total,
        "client attempts vs requests received: {counters:?}"
    );
    println!(
        "fault workload: {} requests for {} client calls (max {} attempts), {} faults injected",
        counters.requests_total,
        attempts.len(),
        max,
        counters.faults_injected
    );
    sim.shutdown().await.unwrap();
}

//! Measure: 1,000 mixed operations at concurrency 32 under 20% faults, a third of them striking
//! after the handler (the write stored, its answer lost). Counts and prints: lost writes,
//! duplicated skills, double-applied edits, and calls that returned an error other than
//! `OutcomeUnknown` although their write was stored. All four must be 0.

mod client_support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use alexa_smapi::{Error, Smapi, Stage};
use alexa_smapi_sim::{FaultConfig, Simulator};
use client_support::{builder, fast_retry, manifest};
use futures::{StreamExt, TryStreamExt};

#[derive(Default)]
struct Ledger {
    ops: AtomicU64,
    outcome_unknown: AtomicU64,
    other_errors: AtomicU64,
    /// An error other than OutcomeUnknown for a write that was stored.
    silent_stored: AtomicU64,
    double_applied: AtomicU64,
    lost: AtomicU64,
}

impl Ledger {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

const SKILLS: usize = 100;
const EDITS: usize = 5;

/// The skills named `name`. One page of 50 holds every skill alive at once (at most 32 are in
/// flight), so concurrent deletes cannot shift a page boundary past the one looked for.
async fn find_by_name(smapi: &Smapi, name: &str) -> Vec<String> {
    loop {
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
                .filter(|s| s.name_by_locale.get("en-US").map(String::as_str) == Some(name))
                .map(|s| s.skill_id)
                .collect();
        }
    }
}

async fn tokens(smapi: &Smapi, id: &str) -> Option<Vec<String>> {
    loop {
        match smapi.skills().manifest(id, Stage::Development).await {
            Ok(m) => {
                return Some(
                    m.manifest
                        .extra
                        .get("x-tokens")
                        .and_then(|v| serde_json::from_value(v.clone()).ok())
                        .unwrap_or_default(),
                );
            }
            Err(Error::NotFound { .. }) => return None,
            Err(_) => {}
        }
    }
}

async fn create(smapi: &Smapi, name: &str, ledger: &Ledger) -> String {
    loop {
        Ledger::bump(&ledger.ops);
        match smapi.skills().create(manifest(name)).await {
            Ok(created) => return created.skill_id.into(),
            Err(e) => {
                let found = find_by_name(smapi, name).await;
                if matches!(e, Error::OutcomeUnknown { .. }) {
                    Ledger::bump(&ledger.outcome_unknown);
                } else {
                    Ledger::bump(&ledger.other_errors);
                    if !found.is_empty() {
                        Ledger::bump(&ledger.silent_stored);
                    }
                }
                if let Some(id) = found.into_iter().next() {
                    return id;
                }
            }
        }
    }
}

async fn append(smapi: &Smapi, id: &str, token: &str, ledger: &Ledger) {
    loop {
        Ledger::bump(&ledger.ops);
        let t = token.to_owned();
        let result = smapi
            .skills()
            .modify_manifest(id, move |m| {
                let list = m
                    .extra
                    .entry("x-tokens".to_owned())
                    .or_insert_with(|| serde_json::json!([]));
                if let Some(items) = list.as_array_mut() {
                    // Deliberately not "add if absent": the client must not run it twice.
                    items.push(serde_json::json!(t.clone()));
                }
            })
            .await;
        match result {
            Ok(_) => return,
            Err(e) => {
                let present = tokens(smapi, id)
                    .await
                    .unwrap_or_default()
                    .iter()
                    .any(|t| t == token);
                if matches!(e, Error::OutcomeUnknown { .. }) {
                    Ledger::bump(&ledger.outcome_unknown);
                } else {
                    Ledger::bump(&ledger.other_errors);
                    if present {
                        Ledger::bump(&ledger.silent_stored);
                    }
                }
                if present {
                    return;
                }
            }
        }
    }
}

async fn delete(smapi: &Smapi, id: &str, ledger: &Ledger) {
    loop {
        Ledger::bump(&ledger.ops);
        match smapi.skills().delete(id).await {
            Ok(()) => return,
            Err(e) => {
                let gone = tokens(smapi, id).await.is_none();
                if matches!(e, Error::OutcomeUnknown { .. }) {
                    Ledger::bump(&ledger.outcome_unknown);
                } else {
                    Ledger::bump(&ledger.other_errors);
                    if gone {
                        Ledger::bump(&ledger.silent_stored);
                    }
                }
                if gone {
                    return;
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_mixed_writes_at_concurrency_32_under_twenty_percent_faults_are_exactly_once() {
    let faults = FaultConfig {
        error_500: 0.03,
        error_503: 0.03,
        error_429: 0.02,
        retry_after_secs: 0,
        reset: 0.02,
        truncate: 0.02,
        malformed: 0.02,
        applied_then_500: 0.02,
        applied_then_reset: 0.02,
        applied_then_truncate: 0.02,
        seed: 1010,
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
    let ledger = Ledger::default();
    let started = Instant::now();
    // Per skill: create, 5 edits, read, delete, read after delete, list by name = 10 calls.
    let finals: Vec<(String, Option<Vec<String>>)> = futures::stream::iter(0..SKILLS)
        .map(|i| {
            let smapi = smapi.clone();
            let ledger = &ledger;
            async move {
                let name = format!("exactly-once-{i:03}");
                let id = create(&smapi, &name, ledger).await;
                for k in 0..EDITS {
                    append(&smapi, &id, &format!("{name}/{k}"), ledger).await;
                }
                Ledger::bump(&ledger.ops);
                let after_edits = tokens(&smapi, &id).await;
                delete(&smapi, &id, ledger).await;
                Ledger::bump(&ledger.ops);
                assert!(tokens(&smapi, &id).await.is_none(), "{name} still there");
                Ledger::bump(&ledger.ops);
                let left = find_by_name(&smapi, &name).await;
                assert!(left.is_empty(), "{name}: duplicate left over: {left:?}");
                (name, after_edits)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let elapsed = started.elapsed();
    sim.set_faults(FaultConfig::default()).unwrap();

    for (name, after) in &finals {
        let after = after.clone().unwrap_or_default();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &after {
            *seen.entry(t.as_str()).or_default() += 1;
        }
        for k in 0..EDITS {
            match seen.get(format!("{name}/{k}").as_str()) {
                None => Ledger::bump(&ledger.lost),
                Some(1) => {}
                Some(_) => Ledger::bump(&ledger.double_applied),
            }
        }
    }
    let leftovers: Vec<_> = smapi.skills().list().stream().try_collect().await.unwrap();
    let duplicated = leftovers
        .iter()
        .filter(|s| {
            s.name_by_locale
                .get("en-US")
                .is_some_and(|n| n.starts_with("exactly-once-"))
        })
        .count();
    let counters = sim.counters();
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    println!(
        "exactly-once workload: {} operations ({} skills x {} calls planned) at concurrency 32 in {:.1?}; \
         {} requests, {} faults injected; outcome unknown {}, other errors {}; \
         lost {}, duplicated {}, double-applied {}, Err-for-stored-without-OutcomeUnknown {}",
        get(&ledger.ops),
        SKILLS,
        10,
        elapsed,
        counters.requests_total,
        counters.faults_injected,
        get(&ledger.outcome_unknown),
        get(&ledger.other_errors),
        get(&ledger.lost),
        duplicated,
        get(&ledger.double_applied),
        get(&ledger.silent_stored),
    );
    assert!(get(&ledger.ops) >= 1000);
    assert!(counters.faults_injected > 100, "{counters:?}");
    assert_eq!(get(&ledger.lost), 0, "lost writes");
    assert_eq!(duplicated, 0, "duplicated skills");
    assert_eq!(get(&ledger.double_applied), 0, "double-applied edits");
    assert_eq!(
        get(&ledger.silent_stored),
        0,
        "errors for stored writes without OutcomeUnknown"
    );
    sim.shutdown().await.unwrap();
}

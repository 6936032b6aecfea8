//! Benchmark: acknowledged writes per second with and without `--state`, in the same run.
//!
//! Each client repeats create skill → update manifest → delete skill over loopback; every
//! answered 2xx counts as one write. With `--state` no write is answered before it is on disk
//! (journal + fdatasync, shared by concurrent writes), so the figures show what durability
//! costs at one client (every write waits for its own sync) and at many (syncs are shared).
//!
//! `cargo bench -p alexa-smapi-sim --bench state_writes` (env: `SIM_BENCH_SECS`, default 3;
//! `SIM_BENCH_CLIENTS`, default `1,32`; `SIM_BENCH_DIR`, where the state file goes, default
//! the system temporary directory).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use alexa_smapi_sim::{DEFAULT_VENDOR_ID, Simulator};
use serde_json::{Value, json};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn manifest(name: &str) -> Value {
    json!({
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": { "en-US": { "name": name, "summary": "s", "description": "d", "examplePhrases": ["Alexa, open bench"] } },
            "category": "SMART_HOME", "distributionCountries": ["US"]
        },
        "apis": { "custom": { "endpoint": { "uri": "arn:aws:lambda:us-east-1:123456789012:function:bench" } } },
        "privacyAndCompliance": { "allowsPurchases": false, "usesPersonalInfo": false }
    })
}

struct Figures {
    writes: usize,
    errors: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.writes as f64 / self.elapsed.as_secs_f64()
    }
}

async fn drive(url: &str, token: &str, clients: usize, measure: Duration) -> Figures {
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let http = reqwest::Client::new();
        let url = url.to_owned();
        let token = token.to_owned();
        let stop = Arc::clone(&stop);
        let errors = Arc::clone(&errors);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(16 * 1024);
            let timed = |started: Instant, ok: bool, latencies: &mut Vec<Duration>| {
                if ok {
                    latencies.push(started.elapsed());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            };
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let started = Instant::now();
                let created = http
                    .post(format!("{url}/v1/skills"))
                    .bearer_auth(&token)
                    .json(&json!({ "vendorId": DEFAULT_VENDOR_ID, "manifest": manifest(&format!("c{c} n{n}")) }))
                    .send()
                    .await;
                let Ok(created) = created else {
                    timed(started, false, &mut latencies);
                    continue;
                };
                let ok = created.status() == 202;
                let body: Value = created.json().await.unwrap_or_default();
                timed(started, ok, &mut latencies);
                let Some(id) = body["skillId"].as_str() else {
                    continue;
                };
                let started = Instant::now();
                let updated = http
                    .put(format!("{url}/v1/skills/{id}/stages/development/manifest"))
                    .bearer_auth(&token)
                    .json(&json!({ "manifest": manifest(&format!("c{c} n{n} v2")) }))
                    .send()
                    .await;
                timed(started, updated.is_ok_and(|r| r.status() == 202), &mut latencies);
                let started = Instant::now();
                let deleted = http
                    .delete(format!("{url}/v1/skills/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await;
                timed(started, deleted.is_ok_and(|r| r.status() == 204), &mut latencies);
            }
            latencies
        }));
    }
    tokio::time::sleep(measure).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Figures {
        writes: all.len(),
        errors: errors.load(Ordering::Relaxed),
        elapsed,
        p50: pick(0.5),
        p99: pick(0.99),
    }
}

fn main() {
    // The workspace unifies reqwest with `rustls-no-provider`; install ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secs = env_number("SIM_BENCH_SECS", 3);
    let clients: Vec<usize> = std::env::var("SIM_BENCH_CLIENTS")
        .unwrap_or_else(|_| "1,32".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let dir = match std::env::var_os("SIM_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        println!(
            "alexa-smapi-sim state_writes bench: create/update/delete loop, {secs} s per figure, {} cores, state file in {}",
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            dir.path().display()
        );
        for &n in &clients {
            let mut results = Vec::new();
            for durable in [false, true] {
                let mut builder = Simulator::builder().async_delay(Duration::ZERO);
                if durable {
                    builder = builder.state_file(dir.path().join(format!("state-{n}.json")));
                }
                let sim = builder.start().await.unwrap();
                let token = sim.issue_access_token(DEFAULT_VENDOR_ID);
                let figures = drive(sim.url(), &token, n, Duration::from_secs(secs)).await;
                println!(
                    "{n:>3} clients, {:<16} {:>8.0} writes/s  p50 {:>7.3} ms  p99 {:>7.3} ms  ({} writes, {} errors)",
                    if durable { "--state (fsync)" } else { "memory only" },
                    figures.per_second(),
                    figures.p50.as_secs_f64() * 1000.0,
                    figures.p99.as_secs_f64() * 1000.0,
                    figures.writes,
                    figures.errors
                );
                results.push(figures.per_second());
                sim.shutdown().await.unwrap();
            }
            println!(
                "{n:>3} clients: --state / memory-only throughput {:.2}x",
                results[1] / results[0]
            );
        }
    });
}

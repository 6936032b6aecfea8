//! Benchmark: 32 concurrent keep-alive clients on `getSkillManifest` over loopback.
//!
//! Prints requests/s and p50/p99/p99.9 latency, plus the same figures for `GET /_sim/health`
//! (routing only: no auth, no state, no counters) as a baseline in the same run.
//!
//! `cargo bench -p alexa-smapi-sim --bench get_manifest` (env: `SIM_BENCH_SECS`, default 5;
//! `SIM_BENCH_CLIENTS`, default 32). Client and server share the machine's cores.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use alexa_smapi_sim::{DEFAULT_VENDOR_ID, Simulator};
use serde_json::json;

struct Figures {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
    p999: Duration,
    max: Duration,
}

impl Figures {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&self, name: &str) {
        println!(
            "{name:<28} {:>9.0} req/s  p50 {:>7.3} ms  p99 {:>7.3} ms  p99.9 {:>7.3} ms  max {:>7.3} ms  ({} requests, {} errors)",
            self.rps(),
            ms(self.p50),
            ms(self.p99),
            ms(self.p999),
            ms(self.max),
            self.requests,
            self.errors
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn drive(
    url: String,
    token: Option<String>,
    clients: usize,
    warmup: Duration,
    measure: Duration,
) -> Figures {
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        let url = url.clone();
        let token = token.clone();
        let stop = Arc::clone(&stop);
        let measuring = Arc::clone(&measuring);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(64 * 1024);
            let mut errors = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let mut req = http.get(&url);
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                let ok = match req.send().await {
                    Ok(resp) => resp.status().is_success() && resp.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if measuring.load(Ordering::Relaxed) {
                    if ok {
                        latencies.push(started.elapsed());
                    } else {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(warmup).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(measure).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (latencies, e) = task.await.unwrap();
        all.extend(latencies);
        errors += e;
    }
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Figures {
        requests: all.len(),
        errors,
        elapsed,
        p50: pick(0.50),
        p99: pick(0.99),
        p999: pick(0.999),
        max: all.last().copied().unwrap_or_default(),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // The workspace unifies reqwest with `rustls-no-provider`; install ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secs = env_number("SIM_BENCH_SECS", 5);
    let clients = env_number("SIM_BENCH_CLIENTS", 32) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let sim = Simulator::builder().async_delay(Duration::ZERO).start().await.unwrap();
        let token = sim.issue_access_token(DEFAULT_VENDOR_ID);
        let http = reqwest::Client::new();
        let manifest = json!({
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {
                    "en-US": { "name": "Bench", "summary": "s", "description": "d", "examplePhrases": ["Alexa, open bench"] },
                    "de-DE": { "name": "Bank", "summary": "s", "description": "d", "examplePhrases": ["Alexa, öffne Bank"] }
                },
                "category": "SMART_HOME", "distributionCountries": ["US", "DE"], "isAvailableWorldwide": false
            },
            "apis": { "custom": { "endpoint": { "uri": "arn:aws:lambda:us-east-1:123456789012:function:bench" } } },
            "privacyAndCompliance": { "allowsPurchases": false, "usesPersonalInfo": false, "isChildDirected": false, "isExportCompliant": true }
        });
        let created: serde_json::Value = http
            .post(format!("{}/v1/skills", sim.url()))
            .bearer_auth(&token)
            .json(&json!({ "vendorId": DEFAULT_VENDOR_ID, "manifest": manifest }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let skill_id = created["skillId"].as_str().unwrap();
        let manifest_url = format!("{}/v1/skills/{skill_id}/stages/development/manifest", sim.url());
        let body_len = http.get(&manifest_url).bearer_auth(&token).send().await.unwrap().bytes().await.unwrap().len();

        println!(
            "alexa-smapi-sim get_manifest bench: {clients} keep-alive clients, {secs} s measured after 1 s warm-up, {} cores, manifest body {body_len} bytes",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let warmup = Duration::from_secs(1);
        let measure = Duration::from_secs(secs);
        let baseline = drive(format!("{}/_sim/health", sim.url()), None, clients, warmup, measure).await;
        baseline.print("baseline GET /_sim/health");
        let manifest = drive(manifest_url, Some(token), clients, warmup, measure).await;
        manifest.print("getSkillManifest");
        println!(
            "getSkillManifest / baseline throughput: {:.2}x; counted getSkillManifest requests: {}",
            manifest.rps() / baseline.rps(),
            sim.counters().operation("getSkillManifest")
        );
        sim.shutdown().await.unwrap();
    });
}

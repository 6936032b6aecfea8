//! Wrapper vs hand-written client: the same operation (`getSkillManifest`, ETag included)
//! against the same in-process simulator at concurrency 32, measured in one run.
//!
//! `cargo bench --bench wrapper_vs_raw` prints, per scenario, both throughputs (median round,
//! with the slowest and fastest round) and their ratio (wrapper / raw; the target is ≥ 0.98).
//!
//! Method:
//! - both sides use a `reqwest::Client` built by the same function from
//!   [`alexa_smapi::http_client_builder`] with the same settings (timeouts, user agent), each
//!   with its own pool of keep-alive connections to the same simulator;
//! - both decode the body into the same [`SkillManifestEnvelope`] and read the `ETag`;
//! - concurrency is 32 spawned tasks pulling request numbers from a shared counter, so the
//!   client work of both sides spreads over the runtime's worker threads alike;
//! - a warm-up of each side first (connections, allocator, caches), then rounds that alternate
//!   which side goes first, so drift and background load hit both alike;
//! - the ratio is the median wrapper round over the median raw round; the median of the
//!   per-round ratios (each wrapper round against the raw round next to it) is printed too.
//!
//! Scenarios: `cpu-bound` (no added latency: every cycle of client overhead shows) is the
//! primary figure; `latency 10 ms` has the simulator answer each request after 10 ms, closer to
//! real SMAPI, which answers in tens of milliseconds.
//!
//! For profiling one side alone: `WRAPPER_VS_RAW_ONLY=raw|wrapper` (and optionally
//! `WRAPPER_VS_RAW_REQUESTS=N`, default 200000) runs only that side, CPU-bound, and prints its
//! throughput; e.g. `perf stat -e instructions` on both gives the instructions per request.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use alexa_smapi::types::SkillManifestEnvelope;
use alexa_smapi::{RetryPolicy, Smapi, Stage};
use alexa_smapi_sim::{FaultConfig, Simulator};

const CONCURRENCY: usize = 32;

struct Scenario {
    name: &'static str,
    latency_ms: u64,
    requests_per_round: usize,
    rounds: usize,
}

const SCENARIOS: [Scenario; 2] = [
    Scenario {
        name: "cpu-bound (no added latency)",
        latency_ms: 0,
        requests_per_round: 5_000,
        rounds: 20,
    },
    Scenario {
        name: "latency 10 ms per request",
        latency_ms: 10,
        requests_per_round: 1_500,
        rounds: 8,
    },
];

/// The one HTTP client configuration both sides use.
fn http_client() -> reqwest::Client {
    alexa_smapi::http_client_builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .user_agent("wrapper-vs-raw-bench")
        .build()
        .expect("reqwest client")
}

/// Runs `requests` calls on `CONCURRENCY` spawned tasks; returns requests per second.
async fn run<F, Fut>(requests: usize, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let next = next.clone();
            let call = call.clone();
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    call().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    requests as f64 / started.elapsed().as_secs_f64()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// One request, boxed alike for both sides.
type Call = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

struct Sides {
    smapi: Smapi,
    skill: String,
    raw: reqwest::Client,
    url: Arc<str>,
    bearer: Arc<str>,
}

impl Sides {
    fn wrapper_call(&self) -> impl Fn() -> Call + Clone + Send + Sync + 'static {
        let smapi = self.smapi.clone();
        let skill: Arc<str> = self.skill.as_str().into();
        move || {
            let smapi = smapi.clone();
            let skill = skill.clone();
            Box::pin(async move {
                let m = smapi
                    .skills()
                    .manifest(&*skill, Stage::Development)
                    .await
                    .expect("wrapper call");
                assert!(m.etag.is_some() && m.manifest.manifest_version.is_some());
            })
        }
    }

    fn raw_call(&self) -> impl Fn() -> Call + Clone + Send + Sync + 'static {
        let raw = self.raw.clone();
        let url = self.url.clone();
        let bearer = self.bearer.clone();
        move || {
            let raw = raw.clone();
            let url = url.clone();
            let bearer = bearer.clone();
            Box::pin(async move {
                let response = raw
                    .get(&*url)
                    .header("authorization", &*bearer)
                    .header("accept", "application/json")
                    .send()
                    .await
                    .expect("raw call");
                assert!(response.status().is_success());
                let etag = response
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = response.bytes().await.expect("raw body");
                let envelope: SkillManifestEnvelope =
                    serde_json::from_slice(&body).expect("raw decode");
                assert!(etag.is_some() && envelope.manifest.manifest_version.is_some());
            })
        }
    }
}

async fn measure(sides: &Sides, scenario: &Scenario) -> (f64, f64) {
    let (wrapper, raw) = (sides.wrapper_call(), sides.raw_call());
    let warm_up = scenario.requests_per_round;
    run(warm_up, raw.clone()).await;
    run(warm_up, wrapper.clone()).await;

    let mut raw_rates = Vec::new();
    let mut wrapper_rates = Vec::new();
    let mut paired = Vec::new();
    for round in 0..scenario.rounds {
        let wrapper_first = round % 2 == 1;
        let (w, r) = if wrapper_first {
            let w = run(scenario.requests_per_round, wrapper.clone()).await;
            (w, run(scenario.requests_per_round, raw.clone()).await)
        } else {
            let r = run(scenario.requests_per_round, raw.clone()).await;
            (run(scenario.requests_per_round, wrapper.clone()).await, r)
        };
        println!(
            "  round {round:>2}: raw {r:>8.0} req/s, wrapper {w:>8.0} req/s, ratio {:.3}{}",
            w / r,
            if wrapper_first {
                " (wrapper first)"
            } else {
                ""
            }
        );
        raw_rates.push(r);
        wrapper_rates.push(w);
        paired.push(w / r);
    }
    let (raw_med, wrapper_med) = (median(&raw_rates), median(&wrapper_rates));
    let ((raw_lo, raw_hi), (w_lo, w_hi), (p_lo, p_hi)) = (
        min_max(&raw_rates),
        min_max(&wrapper_rates),
        min_max(&paired),
    );
    println!(
        "getSkillManifest, {}: concurrency {CONCURRENCY}, {} requests x {} rounds per side",
        scenario.name, scenario.requests_per_round, scenario.rounds
    );
    println!(
        "  raw reqwest + serde_json: {raw_med:>8.0} req/s (median; rounds {raw_lo:.0}..{raw_hi:.0})"
    );
    println!(
        "  alexa-smapi wrapper:      {wrapper_med:>8.0} req/s (median; rounds {w_lo:.0}..{w_hi:.0})"
    );
    println!(
        "  ratio wrapper/raw:        {:>8.3} (target >= 0.98); per-round ratios: median {:.3}, range {p_lo:.3}..{p_hi:.3}",
        wrapper_med / raw_med,
        median(&paired)
    );
    (raw_med, wrapper_med)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let sim = Simulator::builder()
            .async_delay(Duration::ZERO)
            .start()
            .await
            .expect("simulator");
        let token = sim.issue_access_token(sim.default_vendor_id());
        let smapi = Smapi::builder()
            .base_url(sim.url())
            .http_client(http_client())
            .access_token(token.as_str())
            .vendor_id(sim.default_vendor_id())
            .retry_policy(RetryPolicy::default())
            .build()
            .expect("client");
        let manifest = serde_json::from_value(serde_json::json!({
            "manifestVersion": "1.0",
            "publishingInformation": {"locales": {"en-US": {"name": "Bench skill", "summary": "s"}}},
            "apis": {"custom": {"endpoint": {"uri": "arn:aws:lambda:us-east-1:1:function:f"}}}
        }))
        .expect("manifest");
        let skill = smapi
            .skills()
            .create(manifest)
            .await
            .expect("create")
            .skill_id;
        smapi.skills().wait_until_built(&skill).await.expect("built");

        let sides = Sides {
            url: format!("{}/v1/skills/{skill}/stages/development/manifest", sim.url()).into(),
            bearer: format!("Bearer {token}").into(),
            raw: http_client(),
            smapi,
            skill: skill.into(),
        };

        if let Ok(only) = std::env::var("WRAPPER_VS_RAW_ONLY") {
            let requests = std::env::var("WRAPPER_VS_RAW_REQUESTS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(200_000);
            let rate = match only.as_str() {
                "raw" => run(requests, sides.raw_call()).await,
                "wrapper" => run(requests, sides.wrapper_call()).await,
                other => panic!("WRAPPER_VS_RAW_ONLY={other}: expected raw or wrapper"),
            };
            println!("{only} only: {requests} requests, {rate:.0} req/s");
        } else {
            for scenario in &SCENARIOS {
                sim.set_faults(FaultConfig {
                    latency: if scenario.latency_ms > 0 { 1.0 } else { 0.0 },
                    latency_ms: scenario.latency_ms,
                    ..FaultConfig::default()
                })
                .expect("faults");
                measure(&sides, scenario).await;
            }
        }
        sim.shutdown().await.expect("shutdown");
    });
}

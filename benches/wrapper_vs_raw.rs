//! Wrapper vs hand-written client: the same operation (`getSkillManifest`, ETag included)
//! against the same in-process simulator at concurrency 32, measured in one run.
//!
//! `cargo bench --bench wrapper_vs_raw` prints, per scenario, each side's throughput (median
//! round, with the slowest and fastest round), the ratio wrapper / raw (the target is ≥ 0.95
//! with no added latency) with its 95% interval, and the process CPU time per request of each
//! side.
//!
//! Method (like with like):
//! - both sides use a `reqwest::Client` built by the same function from
//!   [`alexa_smapi::http_client_builder`] with the same settings (timeouts, user agent), each
//!   with its own pool of keep-alive connections to the same simulator;
//! - both build the URL per call from the skill ID and the stage (`format!`), send the bearer
//!   token and `Accept: application/json`, decode the body into the same
//!   [`SkillManifestEnvelope`] and read the `ETag`;
//! - concurrency is 32 spawned tasks pulling request numbers from a shared counter, so the
//!   client work of both sides spreads over the runtime's worker threads alike;
//! - a warm-up of each side first (connections, allocator, caches), then many short rounds that
//!   rotate which side goes first, so drift and background load (the machine may be shared)
//!   hit every side alike;
//! - the ratio is the median wrapper round over the median raw round, with a 95% bootstrap
//!   interval (rounds resampled whole, 2000 times, fixed seed): on a shared 2-core machine one
//!   run's ratio moves by a few percent, and the interval says how far to trust it; the median
//!   of the per-round ratios (each wrapper round against the raw round of the same round) is
//!   printed too;
//! - a third side, the generated client ([`Smapi::raw`], the same transport without the
//!   wrapper's layer), is measured in the same rounds: `generated/raw` is the part of the gap
//!   that lies below the wrapper (progenitor's request building and the transport);
//! - CPU per request is the CPU time of all the process's threads (`/proc/self/task/*/schedstat`,
//!   Linux only; it includes the in-process simulator) over the requests of that side, summed
//!   over its rounds: less disturbed by other processes than wall-clock throughput. Its ratio
//!   gets a 95% bootstrap interval too (rounds resampled whole).
//!
//! `WRAPPER_VS_RAW_ROUNDS=N` runs N rounds of the cpu-bound scenario instead of 40. One run's
//! interval is about ±5% on a 2-core machine; 800 rounds (about 5 minutes) narrow it to about
//! ±2% for throughput and ±1% for CPU time. The machine's state still moves a whole run by up
//! to four points, so compare two builds in alternating runs.
//!
//! Scenarios: `cpu-bound` (no added latency: every cycle of client overhead shows) is the
//! primary figure; `latency 10 ms` has the simulator answer each request after 10 ms, closer to
//! real SMAPI, which answers in tens of milliseconds.
//!
//! `WRAPPER_VS_RAW_BOXED=1` boxes each call's future (an allocation per call on both sides);
//! `WRAPPER_VS_RAW_SIZES=1` prints the sizes of the futures and types involved and exits.
//!
//! For profiling one side alone: `WRAPPER_VS_RAW_ONLY=raw|wrapper|generated` (and optionally
//! `WRAPPER_VS_RAW_REQUESTS=N`, default 200000) runs only that side, CPU-bound, and prints its
//! throughput; e.g. `perf stat -e instructions` on both gives the instructions per request.
//! Where the machine has no hardware counters (a VM), `valgrind --tool=callgrind --cache-sim=yes`
//! at two request counts (say 2000 and 6000) gives, from the difference, the instructions and
//! the simulated cache misses per request of one side. (On 2026-12-03, at crate 2.0.0, the
//! wrapper ran 2.4% more instructions than raw but had 15% more L1 data misses and 5% more L1
//! instruction misses; at about ten cycles a miss, the misses weighed more than the
//! instructions. Crate 3.0.0, with the manifest boxed and one transport call per send, ran 0.8%
//! more instructions than raw, with 3% fewer L1 data misses and 4% more instruction misses.)

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
        requests_per_round: 3_000,
        rounds: 40,
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

/// CPU time used so far by all threads of this process, in nanoseconds (`None` off Linux).
fn cpu_ns() -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// One side's round: requests per second and CPU nanoseconds used.
async fn timed(requests: usize, sides: &Arc<Sides>, side: Side) -> (f64, Option<u64>) {
    let before = cpu_ns();
    let rate = run(requests, sides, side).await;
    let used = before.zip(cpu_ns()).map(|(b, a)| a.saturating_sub(b));
    (rate, used)
}

/// Which client a round measures.
#[derive(Clone, Copy)]
enum Side {
    Raw,
    Wrapper,
    /// The generated client ([`Smapi::raw`]): the same transport (auth, retries, tracing) as
    /// the wrapper, without the wrapper's own layer; shows where a gap to raw comes from.
    Generated,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Raw => "raw",
            Side::Wrapper => "wrapper",
            Side::Generated => "generated",
        }
    }
}

/// Runs `requests` calls of `side` on `CONCURRENCY` spawned tasks; returns requests per second.
async fn run(requests: usize, sides: &Arc<Sides>, side: Side) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let boxed = boxed_calls();
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let next = next.clone();
            let sides = sides.clone();
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    match (side, boxed) {
                        (Side::Raw, false) => sides.raw_call().await,
                        (Side::Raw, true) => Box::pin(sides.raw_call()).await,
                        (Side::Wrapper, false) => sides.wrapper_call().await,
                        (Side::Wrapper, true) => Box::pin(sides.wrapper_call()).await,
                        (Side::Generated, false) => sides.generated_call().await,
                        (Side::Generated, true) => Box::pin(sides.generated_call()).await,
                    }
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

/// Whether each call's future is boxed (`WRAPPER_VS_RAW_BOXED=1`) instead of awaited in place,
/// as an `async fn` caller would. A box costs both sides an allocation per call, in the
/// allocator's size class of that side's future (the wrapper's is larger), so it is measured
/// on request only.
fn boxed_calls() -> bool {
    std::env::var_os("WRAPPER_VS_RAW_BOXED").is_some_and(|v| v == "1")
}

struct Sides {
    smapi: Smapi,
    skill: String,
    raw: reqwest::Client,
    base_url: Arc<str>,
    bearer: Arc<str>,
}

impl Sides {
    async fn wrapper_call(&self) {
        let m = self
            .smapi
            .skills()
            .manifest(self.skill.as_str(), Stage::Development)
            .await
            .expect("wrapper call");
        assert!(m.etag.is_some() && m.manifest.manifest_version.is_some());
    }

    async fn generated_call(&self) {
        let answer = self
            .smapi
            .raw()
            .get_skill_manifest()
            .skill_id(self.skill.as_str())
            .stage(Stage::Development)
            .send()
            .await
            .expect("generated call");
        let etag = etag_of(answer.headers());
        let envelope = answer.into_inner();
        assert!(etag.is_some() && envelope.manifest.manifest_version.is_some());
    }

    async fn raw_call(&self) {
        // Like the wrapper, the URL is built per call from the skill ID and stage.
        let stage = Stage::Development;
        let url = format!(
            "{}/v1/skills/{}/stages/{stage}/manifest",
            self.base_url, self.skill
        );
        let response = self
            .raw
            .get(url)
            .header("authorization", &*self.bearer)
            .header("accept", "application/json")
            .send()
            .await
            .expect("raw call");
        assert!(response.status().is_success());
        let etag = etag_of(response.headers());
        let body = response.bytes().await.expect("raw body");
        let envelope: SkillManifestEnvelope = serde_json::from_slice(&body).expect("raw decode");
        assert!(etag.is_some() && envelope.manifest.manifest_version.is_some());
    }
}

/// The `ETag` header as text, read the same way by the generated and the raw side.
fn etag_of(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Every side, in the order a round starts with (rotated each round).
const SIDES: [Side; 3] = [Side::Raw, Side::Wrapper, Side::Generated];

/// A 95% interval for `median(a) / median(b)` over rounds, by resampling whole rounds (each
/// keeps its sides together, so drift that hits a round hits all its sides alike).
fn bootstrap_ratio(a: &[f64], b: &[f64]) -> (f64, f64) {
    bootstrap(a.len(), |picks| {
        let pa: Vec<f64> = picks.iter().map(|&i| a[i]).collect();
        let pb: Vec<f64> = picks.iter().map(|&i| b[i]).collect();
        median(&pa) / median(&pb)
    })
}

/// A 95% interval for `sum(a) / sum(b)` (CPU time of all rounds), resampling whole rounds.
fn bootstrap_sum_ratio(a: &[u64], b: &[u64]) -> (f64, f64) {
    bootstrap(a.len(), |picks| {
        let sa: u64 = picks.iter().map(|&i| a[i]).sum();
        let sb: u64 = picks.iter().map(|&i| b[i]).sum();
        sa as f64 / sb as f64
    })
}

/// The 2.5th and 97.5th percentiles of `statistic` over 2000 resamples of `n` rounds.
fn bootstrap(n: usize, statistic: impl Fn(&[usize]) -> f64) -> (f64, f64) {
    // xorshift64*: deterministic, so two runs on the same numbers print the same interval.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move |n: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    };
    let mut values: Vec<f64> = (0..2000)
        .map(|_| {
            let picks: Vec<usize> = (0..n).map(|_| next(n)).collect();
            statistic(&picks)
        })
        .collect();
    values.sort_by(|x, y| x.total_cmp(y));
    (
        values[values.len() * 25 / 1000],
        values[values.len() * 975 / 1000],
    )
}

/// Rounds of `scenario`: `WRAPPER_VS_RAW_ROUNDS` overrides the cpu-bound scenario's 40.
fn rounds_of(scenario: &Scenario) -> usize {
    let custom = std::env::var("WRAPPER_VS_RAW_ROUNDS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0);
    match custom {
        Some(n) if scenario.latency_ms == 0 => n,
        _ => scenario.rounds,
    }
}

async fn measure(sides: &Arc<Sides>, scenario: &Scenario) -> (f64, f64) {
    let n = scenario.requests_per_round;
    for side in SIDES {
        run(n, sides, side).await; // warm-up
    }
    let rounds = rounds_of(scenario);
    let every = match rounds {
        0..=20 => 1,
        21..=200 => 5,
        _ => 50,
    };
    // Per side (in `SIDES` order): the rate of each round, and its CPU time (not kept when
    // it cannot be read).
    let mut rates: [Vec<f64>; 3] = Default::default();
    let mut cpu: [Vec<u64>; 3] = Default::default();
    let mut cpu_known = true;
    for round in 0..rounds {
        for k in 0..SIDES.len() {
            let i = (round + k) % SIDES.len();
            let (rate, used) = timed(n, sides, SIDES[i]).await;
            rates[i].push(rate);
            match used {
                Some(ns) => cpu[i].push(ns),
                None => cpu_known = false,
            }
        }
        if round % every == every - 1 {
            let [r, w, g] = [0, 1, 2].map(|i| rates[i][round]);
            println!(
                "  round {round:>3}: raw {r:>8.0} req/s, wrapper {w:>8.0} req/s, generated {g:>8.0} req/s, ratio {:.3} (first: {})",
                w / r,
                SIDES[round % SIDES.len()].name()
            );
        }
    }
    let [raw, wrapper, generated] = &rates;
    let paired: Vec<f64> = wrapper.iter().zip(raw).map(|(w, r)| w / r).collect();
    let (raw_med, wrapper_med, generated_med) = (median(raw), median(wrapper), median(generated));
    let ((raw_lo, raw_hi), (w_lo, w_hi), (g_lo, g_hi), (p_lo, p_hi)) = (
        min_max(raw),
        min_max(wrapper),
        min_max(generated),
        min_max(&paired),
    );
    let (ci_lo, ci_hi) = bootstrap_ratio(wrapper, raw);
    let (gci_lo, gci_hi) = bootstrap_ratio(generated, raw);
    println!(
        "getSkillManifest, {}: concurrency {CONCURRENCY}, {} requests x {} rounds per side{}",
        scenario.name,
        scenario.requests_per_round,
        rounds,
        if boxed_calls() {
            ", each call's future boxed"
        } else {
            ""
        }
    );
    println!(
        "  raw reqwest + serde_json: {raw_med:>8.0} req/s (median; rounds {raw_lo:.0}..{raw_hi:.0})"
    );
    println!(
        "  alexa-smapi wrapper:      {wrapper_med:>8.0} req/s (median; rounds {w_lo:.0}..{w_hi:.0})"
    );
    println!(
        "  generated client (raw()): {generated_med:>8.0} req/s (median; rounds {g_lo:.0}..{g_hi:.0})"
    );
    println!(
        "  ratio wrapper/raw:        {:>8.3} (target >= 0.95); 95% interval {ci_lo:.3}..{ci_hi:.3}; per-round ratios: median {:.3}, range {p_lo:.3}..{p_hi:.3}",
        wrapper_med / raw_med,
        median(&paired)
    );
    println!(
        "  ratio generated/raw:      {:>8.3}; 95% interval {gci_lo:.3}..{gci_hi:.3} (the generated client and transport alone)",
        generated_med / raw_med
    );
    if cpu_known {
        let [r, w, g] = &cpu;
        let total = |v: &[u64]| v.iter().sum::<u64>();
        let per = |v: &[u64]| total(v) as f64 / 1e3 / (rounds * n) as f64;
        let (c_lo, c_hi) = bootstrap_sum_ratio(r, w);
        println!(
            "  CPU per request (process, all threads): raw {:.1} us, wrapper {:.1} us, generated {:.1} us, ratio raw/wrapper {:.3} (95% interval {c_lo:.3}..{c_hi:.3}), raw/generated {:.3}",
            per(r),
            per(w),
            per(g),
            total(r) as f64 / total(w) as f64,
            total(r) as f64 / total(g) as f64
        );
    }
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

        let sides = Arc::new(Sides {
            base_url: sim.url().into(),
            bearer: format!("Bearer {token}").into(),
            raw: http_client(),
            smapi,
            skill: skill.into(),
        });

        if std::env::var("WRAPPER_VS_RAW_SIZES").is_ok() {
            let w = sides.wrapper_call();
            let r = sides.raw_call();
            let s = sides.smapi.skills();
            let f = s.manifest("amzn1.ask.skill.x", Stage::Development);
            println!("sizes: wrapper call {} raw call {} manifest fut {} SkillManifest {} ManifestWithEtag {} Error {} envelope {}",
                std::mem::size_of_val(&w), std::mem::size_of_val(&r), std::mem::size_of_val(&f),
                std::mem::size_of::<alexa_smapi::types::SkillManifest>(),
                std::mem::size_of::<alexa_smapi::api::ManifestWithEtag>(),
                std::mem::size_of::<alexa_smapi::Error>(),
                std::mem::size_of::<SkillManifestEnvelope>());
            drop(f);
            let b = sides.smapi.raw().get_skill_manifest().skill_id("amzn1.ask.skill.x").stage(Stage::Development);
            let sf = b.send();
            println!("sizes: generated send fut {}", std::mem::size_of_val(&sf));
            println!("sizes: reqwest Request {} Response {} Sleep {} Span {} reqwest Error {}",
                std::mem::size_of::<reqwest::Request>(), std::mem::size_of::<reqwest::Response>(),
                std::mem::size_of::<tokio::time::Sleep>(), std::mem::size_of::<tracing::Span>(),
                std::mem::size_of::<reqwest::Error>());
            return;
        }
        if let Ok(only) = std::env::var("WRAPPER_VS_RAW_ONLY") {
            let requests = std::env::var("WRAPPER_VS_RAW_REQUESTS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(200_000);
            let rate = match only.as_str() {
                "raw" => run(requests, &sides, Side::Raw).await,
                "wrapper" => run(requests, &sides, Side::Wrapper).await,
                "generated" => run(requests, &sides, Side::Generated).await,
                other => {
                    panic!("WRAPPER_VS_RAW_ONLY={other}: expected raw, wrapper or generated")
                }
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

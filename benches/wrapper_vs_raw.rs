//! Wrapper vs hand-written client: the same operation (`getSkillManifest`, ETag included)
//! against the same in-process simulator at concurrency 32, measured in one run.
//!
//! `cargo bench --bench wrapper_vs_raw` prints both throughputs and their ratio
//! (wrapper / raw; the target is ≥ 0.98). Rounds alternate between the two clients so drift
//! affects both alike; the median round of each is reported.

use std::time::{Duration, Instant};

use alexa_smapi::types::SkillManifestEnvelope;
use alexa_smapi::{RetryPolicy, Smapi, Stage};
use alexa_smapi_sim::Simulator;
use futures::StreamExt;

const CONCURRENCY: usize = 32;
const REQUESTS_PER_ROUND: usize = 4_000;
const ROUNDS: usize = 12;

async fn run<F, Fut>(requests: usize, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    futures::stream::iter(0..requests)
        .map(|_| call())
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<()>>()
        .await;
    started.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
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
            .access_token(token.as_str())
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
            .create(sim.default_vendor_id(), manifest)
            .await
            .expect("create")
            .skill_id;
        smapi.skills().wait_until_built(&skill).await.expect("built");

        // Hand-written: reqwest + serde_json, same TLS-less loopback, same decode target.
        let raw = reqwest::Client::builder().build().expect("reqwest client");
        let url = format!("{}/v1/skills/{skill}/stages/development/manifest", sim.url());
        let bearer = format!("Bearer {token}");

        let wrapper_call = || {
            let smapi = smapi.clone();
            let skill = skill.clone();
            async move {
                let m = smapi.skills().manifest(&skill, Stage::Development).await.expect("wrapper call");
                assert!(m.etag.is_some());
            }
        };
        let raw_call = || {
            let raw = raw.clone();
            let url = url.clone();
            let bearer = bearer.clone();
            async move {
                let response = raw
                    .get(url)
                    .header("authorization", bearer)
                    .header("accept", "application/json")
                    .send()
                    .await
                    .expect("raw call");
                assert!(response.status().is_success());
                let etag = response.headers().get("etag").cloned();
                let body = response.bytes().await.expect("raw body");
                let envelope: SkillManifestEnvelope = serde_json::from_slice(&body).expect("raw decode");
                assert!(etag.is_some() && envelope.manifest.manifest_version.is_some());
            }
        };

        // Warm-up (connections, caches).
        run(2_000, raw_call).await;
        run(2_000, wrapper_call).await;

        let mut raw_rates = Vec::new();
        let mut wrapper_rates = Vec::new();
        for round in 0..ROUNDS {
            let (first, second) = if round % 2 == 0 { ("raw", "wrapper") } else { ("wrapper", "raw") };
            for which in [first, second] {
                let elapsed = if which == "raw" {
                    run(REQUESTS_PER_ROUND, raw_call).await
                } else {
                    run(REQUESTS_PER_ROUND, wrapper_call).await
                };
                let rate = REQUESTS_PER_ROUND as f64 / elapsed.as_secs_f64();
                println!("round {round} {which:>7}: {rate:>9.0} req/s");
                if which == "raw" {
                    raw_rates.push(rate);
                } else {
                    wrapper_rates.push(rate);
                }
            }
        }
        let raw_rate = median(raw_rates);
        let wrapper_rate = median(wrapper_rates);
        println!("getSkillManifest, concurrency {CONCURRENCY}, {REQUESTS_PER_ROUND} requests x {ROUNDS} rounds (median round)");
        println!("raw reqwest + serde_json: {raw_rate:>9.0} req/s");
        println!("alexa-smapi wrapper:      {wrapper_rate:>9.0} req/s");
        println!("ratio wrapper/raw:        {:>9.3} (target >= 0.98)", wrapper_rate / raw_rate);
        sim.shutdown().await.expect("shutdown");
    });
}

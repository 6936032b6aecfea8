//! Benchmark: latency of one `listSkillsForVendor` page at 1,000 and 100,000 skills.
//!
//! A page should cost O(page size + log n), so its latency should stay flat as the vendor's
//! skill count grows a hundredfold. For each size the bench times the first page and a page
//! from the middle of the listing (reached by following `nextToken`s), each requested
//! repeatedly over loopback, and prints the p50 and mean, then the 100k / 1k ratio.
//!
//! `cargo bench -p alexa-smapi-sim --bench list_paging` (env: `SIM_BENCH_SIZES`, default
//! `1000,100000`; `SIM_BENCH_PAGE`, default 10; `SIM_BENCH_REPEAT`, default 200).

use std::time::{Duration, Instant};

use alexa_smapi_sim::{DEFAULT_VENDOR_ID, Simulator};
use serde_json::{Value, json};

const SEED_CLIENTS: usize = 16;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn manifest(i: usize) -> Value {
    json!({
        "manifestVersion": "1.0",
        "publishingInformation": { "locales": { "en-US": { "name": format!("Skill {i}") } } },
        "apis": { "custom": {} }
    })
}

/// Creates skills until the vendor has `target`.
async fn seed(url: &str, token: &str, have: usize, target: usize) {
    let mut tasks = Vec::new();
    for client in 0..SEED_CLIENTS {
        let http = reqwest::Client::new();
        let url = format!("{url}/v1/skills");
        let token = token.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut i = have + client;
            while i < target {
                let resp = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "vendorId": DEFAULT_VENDOR_ID, "manifest": manifest(i) }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 202, "create failed while seeding");
                i += SEED_CLIENTS;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

struct Timing {
    p50: Duration,
    mean: Duration,
}

async fn time_page(http: &reqwest::Client, url: &str, token: &str, repeat: usize) -> Timing {
    let mut all = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let started = Instant::now();
        let resp = http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        all.push(started.elapsed());
        assert!(!body["skills"].as_array().unwrap().is_empty());
    }
    let mean = all.iter().sum::<Duration>() / repeat as u32;
    all.sort_unstable();
    Timing {
        p50: all[all.len() / 2],
        mean,
    }
}

/// Follows `nextToken` with pages of 50 until about half the listing is behind; returns the
/// token for the page there.
async fn middle_token(http: &reqwest::Client, base: &str, token: &str, skills: usize) -> String {
    let mut next: Option<String> = None;
    let mut seen = 0;
    while seen < skills / 2 {
        let mut url = format!("{base}/v1/skills?vendorId={DEFAULT_VENDOR_ID}&maxResults=50");
        if let Some(t) = &next {
            url.push_str(&format!("&nextToken={t}"));
        }
        let body: Value = http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen += body["skills"].as_array().unwrap().len();
        next = Some(body["nextToken"].as_str().unwrap().to_owned());
    }
    next.unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // The workspace unifies reqwest with `rustls-no-provider`; install ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sizes: Vec<usize> = std::env::var("SIM_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let page = env_number("SIM_BENCH_PAGE", 10);
    let repeat = env_number("SIM_BENCH_REPEAT", 200) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let sim = Simulator::builder()
            .async_delay(Duration::ZERO)
            .start()
            .await
            .unwrap();
        let token = sim.issue_access_token(DEFAULT_VENDOR_ID);
        let http = reqwest::Client::new();
        println!(
            "alexa-smapi-sim list_paging bench: page of {page}, {repeat} requests per figure, one client, {} cores",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let mut have = 0;
        let mut firsts = Vec::new();
        for &size in &sizes {
            let started = Instant::now();
            seed(sim.url(), &token, have, size).await;
            have = size;
            let seeded = started.elapsed();
            let first_url = format!(
                "{}/v1/skills?vendorId={DEFAULT_VENDOR_ID}&maxResults={page}",
                sim.url()
            );
            let first = time_page(&http, &first_url, &token, repeat).await;
            let middle = middle_token(&http, sim.url(), &token, size).await;
            let middle_url = format!("{first_url}&nextToken={middle}");
            let mid = time_page(&http, &middle_url, &token, repeat).await;
            println!(
                "{size:>7} skills (seeded in {:>5.1} s): first page p50 {:>7.3} ms mean {:>7.3} ms | middle page p50 {:>7.3} ms mean {:>7.3} ms",
                seeded.as_secs_f64(),
                ms(first.p50),
                ms(first.mean),
                ms(mid.p50),
                ms(mid.mean)
            );
            firsts.push((size, first, mid));
        }
        if let (Some((small, a, am)), Some((large, b, bm))) = (firsts.first(), firsts.last())
            && small != large
        {
            println!(
                "page latency {large} / {small} skills: first page {:.2}x, middle page {:.2}x (p50)",
                b.p50.as_secs_f64() / a.p50.as_secs_f64(),
                bm.p50.as_secs_f64() / am.p50.as_secs_f64()
            );
        }
        sim.shutdown().await.unwrap();
    });
}

//! Login with Amazon refresh is single-flight for success AND failure, with the refresh held
//! open by latency on the token endpoint so that every caller really overlaps it.

mod client_support;

use std::time::{Duration, Instant};

use alexa_smapi::auth::Secret;
use alexa_smapi::{Error, LwaCredentials, RetryPolicy, Stage};
use alexa_smapi_sim::{Fault, SimHandle};
use chrono::Utc;
use client_support::{builder, client, lwa_credentials, manifest, sim};

fn expired(creds: LwaCredentials) -> LwaCredentials {
    creds.with_cached_access_token(
        Secret::new("Atza|expired-long-ago"),
        Utc::now() - chrono::Duration::hours(1),
    )
}

async fn a_skill(sim: &SimHandle) -> String {
    client(sim)
        .skills()
        .create(manifest("sf"))
        .await
        .unwrap()
        .skill_id
        .into_string()
}

async fn thousand_calls(smapi: &alexa_smapi::Smapi, skill: &str) -> Vec<Result<(), Error>> {
    let calls = (0..1000).map(|_| {
        let smapi = smapi.clone();
        let skill = skill.to_owned();
        tokio::spawn(async move {
            smapi
                .skills()
                .manifest(&skill, Stage::Development)
                .await
                .map(|_| ())
        })
    });
    futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_callers_share_one_refresh_held_open_by_latency() {
    let sim = sim().await;
    let skill = a_skill(&sim).await;
    let creds = lwa_credentials(&sim);
    let smapi = builder(&sim).lwa(expired(creds)).build().unwrap();
    // The refresh takes 300 ms: every one of the 1,000 calls arrives while it is open.
    sim.fail_next("lwaToken", 1, Fault::Latency { ms: 300 })
        .unwrap();
    let before = sim.counters().operation("lwaToken");
    let outcomes = thousand_calls(&smapi, &skill).await;
    assert!(outcomes.iter().all(Result::is_ok));
    let lwa = sim.counters().operation("lwaToken") - before;
    println!("1,000 concurrent callers, refresh held open 300 ms: {lwa} LWA request(s)");
    assert_eq!(lwa, 1);
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_callers_with_a_rejected_refresh_token_make_a_handful_of_requests() {
    let sim = sim().await;
    let skill = a_skill(&sim).await;
    let creds = LwaCredentials::new(
        sim.client_id(),
        sim.client_secret(),
        "Atzr|revoked-refresh-token",
    );
    let smapi = builder(&sim).lwa(expired(creds)).build().unwrap();
    sim.fail_next("lwaToken", 1, Fault::Latency { ms: 300 })
        .unwrap();
    let before = sim.counters().operation("lwaToken");
    let started = Instant::now();
    let outcomes = thousand_calls(&smapi, &skill).await;
    let elapsed = started.elapsed();
    let lwa = sim.counters().operation("lwaToken") - before;
    println!(
        "1,000 concurrent callers, rejected refresh token: {lwa} LWA request(s), all answered in {elapsed:?}"
    );
    for outcome in &outcomes {
        match outcome {
            Err(Error::Auth { message, .. }) => {
                assert!(!message.contains("revoked-refresh-token"), "{message}")
            }
            other => panic!("expected Auth, got {other:?}"),
        }
    }
    assert!(lwa <= 3, "{lwa} LWA requests");
    assert_eq!(sim.counters().operation("getSkillManifest"), 0);
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_lwa_down_callers_share_one_bounded_retry_and_back_off_before_the_next() {
    let sim = sim().await;
    let skill = a_skill(&sim).await;
    let creds = lwa_credentials(&sim);
    let smapi = builder(&sim)
        .lwa(expired(creds))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(Duration::from_millis(20))
                .max_backoff(Duration::from_millis(50)),
        )
        .build()
        .unwrap();
    sim.fail_next(
        "lwaToken",
        10_000,
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
    )
    .unwrap();
    let before = sim.counters().operation("lwaToken");
    let started = Instant::now();
    let calls = (0..20).map(|_| {
        let smapi = smapi.clone();
        let skill = skill.clone();
        tokio::spawn(async move { smapi.skills().status(&skill).await })
    });
    for call in futures::future::join_all(calls).await {
        assert!(matches!(call.unwrap(), Err(Error::Auth { .. })));
    }
    let elapsed = started.elapsed();
    let lwa = sim.counters().operation("lwaToken") - before;
    println!("20 callers, LWA down: {lwa} LWA requests, last answer after {elapsed:?}");
    assert!(lwa <= 4, "one retry sequence shared: {lwa}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // During the back-off a new caller gets the shared error without a request.
    assert!(smapi.skills().status(&skill).await.is_err());
    assert_eq!(sim.counters().operation("lwaToken") - before, lwa);
    // After it, LWA is back: the next caller refreshes.
    sim.clear_fault_scripts();
    tokio::time::sleep(alexa_smapi::auth::DEFAULT_FAILURE_BACKOFF + Duration::from_millis(100))
        .await;
    smapi.skills().status(&skill).await.unwrap();
    sim.shutdown().await.unwrap();
}

//! Authorisation against the simulator: static tokens, LWA refresh (single-flight, form
//! encoding, 401 replay), failures.

mod client_support;

use std::time::{Duration, Instant};

use alexa_smapi::auth::Secret;
use alexa_smapi::{Error, LwaCredentials, Stage};
use alexa_smapi_sim::{Fault, Simulator};
use chrono::Utc;
use client_support::{builder, client, lwa_credentials, manifest, sim};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_concurrent_calls_on_an_expired_token_refresh_once() {
    let sim = sim().await;
    let seed = client(&sim);
    let skill = seed
        .skills()
        .create(manifest("auth"))
        .await
        .unwrap()
        .skill_id;
    let before = sim.counters();

    let creds = lwa_credentials(&sim).with_cached_access_token(
        Secret::new("Atza|expired-long-ago"),
        Utc::now() - chrono::Duration::hours(1),
    );
    let smapi = builder(&sim).lwa(creds).build().unwrap();

    let calls = (0..1000).map(|_| {
        let smapi = smapi.clone();
        let skill = skill.clone();
        tokio::spawn(async move { smapi.skills().manifest(&skill, Stage::Development).await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().expect("every call succeeds");
    }
    let after = sim.counters();
    assert_eq!(after.refreshes - before.refreshes, 1, "exactly one refresh");
    assert_eq!(after.tokens_issued - before.tokens_issued, 1);
    assert_eq!(
        after.operation("getSkillManifest") - before.operation("getSkillManifest"),
        1000
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rejected_token_is_refreshed_once_and_the_requests_replayed() {
    let sim = sim().await;
    let skill = client(&sim)
        .skills()
        .create(manifest("replay"))
        .await
        .unwrap()
        .skill_id;
    // The client believes this token is valid for an hour; the server does not know it.
    let creds = lwa_credentials(&sim).with_cached_access_token(
        Secret::new("Atza|revoked"),
        Utc::now() + chrono::Duration::hours(1),
    );
    let smapi = builder(&sim).lwa(creds).build().unwrap();
    let before = sim.counters();
    let calls = (0..200).map(|_| {
        let smapi = smapi.clone();
        let skill = skill.clone();
        tokio::spawn(async move { smapi.skills().status(&skill).await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().expect("replayed call succeeds");
    }
    let after = sim.counters();
    assert_eq!(
        after.refreshes - before.refreshes,
        1,
        "one refresh shared by every 401"
    );
    let status_calls = after.operation("getSkillStatus") - before.operation("getSkillStatus");
    assert!(
        (201..=400).contains(&status_calls),
        "each call replayed at most once: {status_calls}"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_refresh_form_is_properly_encoded() {
    // A client secret and refresh token full of form metacharacters.
    let secret = "s&cr=t+1 %2B/?#";
    let refresh = "Atzr|a+b&c=d e%";
    let sim = Simulator::builder()
        .lwa_client("amzn1.application-oa2-client.enc", secret)
        .refresh_token(refresh, "M1ENCODED")
        .start()
        .await
        .unwrap();
    let smapi = builder(&sim)
        .lwa(LwaCredentials::new(
            "amzn1.application-oa2-client.enc",
            secret,
            refresh,
        ))
        .build()
        .unwrap();
    let listed: Vec<_> =
        futures::TryStreamExt::try_collect(smapi.skills().vendor_id("M1ENCODED").list().stream())
            .await
            .unwrap();
    assert!(listed.is_empty());
    let counters = sim.counters();
    assert_eq!(counters.refreshes, 1);
    // The simulator also takes JSON (as LWA does, for the ASK CLI); the client sends a form.
    assert_eq!(
        (counters.token_form_bodies, counters.token_json_bodies),
        (1, 0),
        "the refresh grant travels form-encoded"
    );
    sim.shutdown().await.unwrap();
}

/// The error of `getSkillStatus` (for a skill that does not exist) sent with `token` as the
/// static access token.
async fn status_with_token(sim: &alexa_smapi_sim::SimHandle, token: &str) -> Error {
    let smapi = builder(sim).access_token(token).build().unwrap();
    smapi
        .skills()
        .status("amzn1.ask.skill.x")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_static_token_that_is_refused_gives_unauthorized_without_retrying() {
    let sim = sim().await;
    let err = status_with_token(&sim, "Atza|not-a-real-token").await;
    assert!(
        matches!(
            err,
            Error::Unauthorized {
                operation: "getSkillStatus",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(sim.counters().operation("getSkillStatus"), 1);
    assert!(!err.to_string().contains("not-a-real-token"));
    sim.shutdown().await.unwrap();
}

/// A token that cannot be sent as a header (it holds a line break) fails the call with
/// `Error::Auth` before anything reaches the server, and the message does not quote it.
#[tokio::test]
async fn a_token_that_cannot_be_a_header_fails_before_sending() {
    let sim = sim().await;
    let err = status_with_token(&sim, "Atza|broken\nsecret").await;
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("not allowed in a header"), "{text}");
    assert!(
        !text.contains("secret") && !format!("{err:?}").contains("secret"),
        "{text}"
    );
    assert_eq!(sim.counters().operation("getSkillStatus"), 0);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_refused_refresh_token_is_an_auth_error_naming_lwa_not_the_secret() {
    let sim = sim().await;
    let smapi = builder(&sim)
        .lwa(LwaCredentials::new(
            sim.client_id(),
            sim.client_secret(),
            "Atzr|wrong-refresh",
        ))
        .build()
        .unwrap();
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.x")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(text.contains("LWA token endpoint answered 400"), "{text}");
    assert!(
        !text.contains("wrong-refresh") && !text.contains(sim.client_secret()),
        "{text}"
    );
    assert_eq!(
        sim.counters().operation("getSkillStatus"),
        0,
        "nothing sent without a token"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn short_lived_tokens_are_renewed_before_they_expire() {
    let sim = Simulator::builder()
        .access_token_ttl(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let smapi = builder(&sim).lwa(lwa_credentials(&sim)).build().unwrap();
    for _ in 0..3 {
        let _: Vec<_> = futures::TryStreamExt::try_collect(smapi.skills().list().stream())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let c = sim.counters();
    assert!(
        c.refreshes >= 2,
        "renewed after half the 2 s lifetime: {c:?}"
    );
    assert_eq!(
        c.operation("listSkillsForVendor"),
        3,
        "no request was refused and replayed"
    );
    sim.shutdown().await.unwrap();
}

/// A 429 from the token endpoint is waited out for its `Retry-After` (1 s here, far above the
/// tests' 5-50 ms back-off), then the one retry gets the token.
#[tokio::test]
async fn a_token_endpoint_429_is_retried_after_its_retry_after() {
    let sim = sim().await;
    let smapi = builder(&sim).lwa(lwa_credentials(&sim)).build().unwrap();
    sim.fail_next(
        "lwaToken",
        1,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    )
    .unwrap();
    let started = Instant::now();
    let _: Vec<_> = futures::TryStreamExt::try_collect(smapi.skills().list().stream())
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1),
        "waited {waited:?}, less than Retry-After"
    );
    let c = sim.counters();
    assert_eq!(c.operation("lwaToken"), 2, "the 429, then one retry: {c:?}");
    assert_eq!(c.refreshes, 1);
    assert_eq!(c.operation("listSkillsForVendor"), 1);
    sim.shutdown().await.unwrap();
}

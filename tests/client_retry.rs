//! Retries against the simulator's fault injection: statuses, Retry-After, idempotency,
//! bounds, and a 500-operation workload under 20% faults.

mod client_support;

use std::time::{Duration, Instant};

use alexa_smapi::{Error, RetryPolicy, Stage};
use alexa_smapi_sim::Fault;
use client_support::{builder, client, fast_retry, manifest, sim};

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let sim = sim().await;
    let smapi = client(&sim);
    let skill = smapi
        .skills()
        .create(manifest("ra"))
        .await
        .unwrap()
        .skill_id;
    sim.fail_next(
        "getSkillManifest",
        1,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    )
    .unwrap();
    let started = Instant::now();
    smapi
        .skills()
        .manifest(&skill, Stage::Development)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1),
        "waited {waited:?}, less than Retry-After"
    );
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    assert_eq!(sim.counters().operation("getSkillManifest"), 2);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_retry_after_beyond_the_policy_ends_with_rate_limited_carrying_it() {
    let sim = sim().await;
    let smapi = builder(&sim)
        .access_token(sim.issue_access_token(sim.default_vendor_id()))
        .retry_policy(fast_retry().max_retry_after(Duration::from_secs(2)))
        .build()
        .unwrap();
    sim.fail_next(
        "getSkillStatus",
        1,
        Fault::TooManyRequests {
            retry_after_secs: 30,
        },
    )
    .unwrap();
    let started = Instant::now();
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.any")
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match &err {
        Error::RateLimited {
            retry_after,
            operation,
            ..
        } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(30)));
            assert_eq!(*operation, "getSkillStatus");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(err.status(), Some(429));
    assert!(err.server_message().is_some_and(|m| !m.is_empty()), "{err}");
    assert!(err.is_retryable());
    assert_eq!(sim.counters().operation("getSkillStatus"), 1);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn transient_statuses_and_resets_are_retried_for_reads() {
    let sim = sim().await;
    let smapi = client(&sim);
    let skill = smapi
        .skills()
        .create(manifest("tr"))
        .await
        .unwrap()
        .skill_id;
    for fault in [
        Fault::Unavailable,
        Fault::InternalError,
        Fault::Reset,
        Fault::Truncate,
        Fault::Malformed,
    ] {
        let before = sim.counters().operation("getSkillManifest");
        sim.fail_next("getSkillManifest", 2, fault).unwrap();
        let m = smapi.skills().manifest(&skill, Stage::Development).await;
        assert!(m.is_ok(), "{fault:?}: {m:?}");
        assert_eq!(
            sim.counters().operation("getSkillManifest") - before,
            3,
            "{fault:?}"
        );
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn attempts_are_bounded_by_the_policy() {
    let sim = sim().await;
    let smapi = builder(&sim)
        .access_token(sim.issue_access_token(sim.default_vendor_id()))
        .retry_policy(fast_retry().max_attempts(3))
        .build()
        .unwrap();
    sim.fail_next("getSkillStatus", 10, Fault::Unavailable)
        .unwrap();
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.any")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(sim.counters().operation("getSkillStatus"), 3);

    // And by the elapsed-time budget.
    let slow = builder(&sim)
        .access_token(sim.issue_access_token(sim.default_vendor_id()))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(100)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(100))
                .max_elapsed(Duration::from_millis(400)),
        )
        .build()
        .unwrap();
    sim.clear_fault_scripts();
    sim.fail_next("getSkillStatus", 1000, Fault::Unavailable)
        .unwrap();
    let started = Instant::now();
    assert!(slow.skills().status("amzn1.ask.skill.any").await.is_err());
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_create_is_not_retried_once_it_may_have_reached_the_server() {
    let sim = sim().await;
    let smapi = client(&sim);
    for fault in [
        Fault::InternalError,
        Fault::Reset,
        Fault::Truncate,
        Fault::AppliedThen500,
        Fault::AppliedThenReset,
        Fault::AppliedThenTruncate,
    ] {
        let before = sim.counters().operation("createSkillForVendor");
        sim.fail_next("createSkillForVendor", 1, fault).unwrap();
        let err = smapi.skills().create(manifest("once")).await.unwrap_err();
        assert_eq!(
            sim.counters().operation("createSkillForVendor") - before,
            1,
            "{fault:?}: {err:?}"
        );
    }
    // 429 and 503 mean "not processed": safe to retry even for a create.
    for fault in [
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
        Fault::Unavailable,
    ] {
        let before = sim.counters().operation("createSkillForVendor");
        sim.fail_next("createSkillForVendor", 1, fault).unwrap();
        smapi.skills().create(manifest("after-429")).await.unwrap();
        assert_eq!(sim.counters().operation("createSkillForVendor") - before, 2);
    }
    // Opting in retries the rest too.
    let before = sim.counters().operation("createSkillForVendor");
    sim.fail_next("createSkillForVendor", 1, Fault::InternalError)
        .unwrap();
    smapi
        .skills()
        .create(manifest("opt-in"))
        .retry_unsafe()
        .await
        .unwrap();
    assert_eq!(sim.counters().operation("createSkillForVendor") - before, 2);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn every_read_sends_again_when_a_success_body_does_not_decode() {
    use alexa_smapi::types::{SchemaOperation, SchemaResource};
    use futures::TryStreamExt;

    let sim = sim().await;
    let smapi = client(&sim);
    let skill = smapi
        .skills()
        .create(manifest("garbled"))
        .await
        .unwrap()
        .skill_id;
    smapi.skills().wait_until_built(&skill).await.unwrap();

    // Two garbled 200s, then the real answer: three requests, one good result.
    let sent = |op: &str| sim.counters().operation(op);
    let before = sent("getSkillStatus");
    sim.fail_next("getSkillStatus", 2, Fault::Malformed)
        .unwrap();
    smapi.skills().status(&skill).await.unwrap();
    assert_eq!(sent("getSkillStatus") - before, 3);

    let before = sent("listSkillsForVendor");
    sim.fail_next("listSkillsForVendor", 2, Fault::Malformed)
        .unwrap();
    let listed: Vec<_> = smapi.skills().list().stream().try_collect().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(sent("listSkillsForVendor") - before, 3);

    let before = sent("listSkillsForVendor");
    sim.fail_next("listSkillsForVendor", 1, Fault::Malformed)
        .unwrap();
    let by_id: Vec<_> = smapi
        .skills()
        .list_by_ids([&skill])
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(sent("listSkillsForVendor") - before, 2);

    let before = sent("getResourceSchema");
    sim.fail_next("getResourceSchema", 2, Fault::Malformed)
        .unwrap();
    smapi
        .resource_schema()
        .location(SchemaResource::Manifest, Some(SchemaOperation::CreateSkill))
        .await
        .unwrap();
    assert_eq!(sent("getResourceSchema") - before, 3);

    // Bounded by the policy: with three attempts, three garbled bodies are a decode error.
    let before = sent("getSkillStatus");
    sim.fail_next("getSkillStatus", 5, Fault::Malformed)
        .unwrap();
    let err = smapi.skills().status(&skill).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(
        sent("getSkillStatus") - before,
        u64::from(fast_retry().max_attempts)
    );
    sim.clear_fault_scripts();

    // The transport never parses a success body: the raw client gets the garbled body as
    // its decode error, after one request.
    let before = sent("getSkillStatus");
    sim.fail_next("getSkillStatus", 1, Fault::Malformed)
        .unwrap();
    let raw = smapi
        .raw()
        .get_skill_status()
        .skill_id(&skill)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            raw,
            alexa_smapi::generated::RawError::InvalidResponsePayload(..)
        ),
        "{raw:?}"
    );
    assert_eq!(sent("getSkillStatus") - before, 1);
    sim.shutdown().await.unwrap();
}

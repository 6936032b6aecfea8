//! Every write is exactly once or says it cannot know, proved with the simulator's faults that
//! strike after the handler (the write is stored, its answer is lost or replaced).

mod client_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use alexa_smapi::poll::Progress;
use alexa_smapi::types::{SkillManifest, SkillSummary};
use alexa_smapi::{Error, Smapi, Stage};
use alexa_smapi_sim::{Fault, SimHandle};
use client_support::{client, manifest, sim};
use futures::TryStreamExt;

/// Faults after which the write is stored but the client cannot see it.
const APPLIED: [Fault; 5] = [
    Fault::AppliedThen500,
    Fault::AppliedThenReset,
    Fault::AppliedThenTruncate,
    Fault::Truncate,
    Fault::Malformed,
];

async fn built_skill(smapi: &Smapi, name: &str) -> String {
    let id = smapi
        .skills()
        .create(manifest(name))
        .await
        .unwrap()
        .skill_id;
    smapi.skills().wait_until_built(&id).await.unwrap();
    id.into()
}

/// Every skill of the vendor, as the server lists them (one row per skill and stage).
async fn listed(smapi: &Smapi) -> Vec<SkillSummary> {
    smapi.skills().list().stream().try_collect().await.unwrap()
}

async fn skill_count(smapi: &Smapi) -> usize {
    listed(smapi).await.len()
}

fn counter(m: &SkillManifest) -> i64 {
    m.extra
        .get("x-counter")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_answer_was_lost_returns_ok_when_the_manifest_holds_it() {
    let sim = sim().await;
    let smapi = client(&sim);
    for fault in APPLIED {
        for with_if_match in [true, false] {
            let id = built_skill(&smapi, "update").await;
            let read = smapi
                .skills()
                .manifest(&id, Stage::Development)
                .await
                .unwrap();
            let mut wanted = read.manifest.clone();
            wanted
                .extra
                .insert("x-label".into(), serde_json::json!(format!("{fault:?}")));
            sim.fail_next("updateSkillManifest", 1, fault).unwrap();
            let mut update = smapi.skills().update_manifest(&id, &wanted);
            if with_if_match {
                update = update.if_match(read.etag.as_deref().unwrap());
            }
            let accepted = update
                .await
                .unwrap_or_else(|e| panic!("{fault:?} if-match={with_if_match}: {e:?}"));
            let now = smapi
                .skills()
                .manifest(&id, Stage::Development)
                .await
                .unwrap();
            assert_eq!(now.manifest, wanted, "{fault:?}");
            assert_eq!(
                accepted.etag, now.etag,
                "{fault:?}: the new ETag is returned"
            );
        }
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_412_is_still_precondition_failed_and_nothing_is_written() {
    let sim = sim().await;
    let smapi = client(&sim);
    let id = built_skill(&smapi, "stale").await;
    let read = smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap();
    let mut first = read.manifest.clone();
    first
        .extra
        .insert("x-who".into(), serde_json::json!("first"));
    smapi.skills().update_manifest(&id, &first).await.unwrap();
    smapi.skills().wait_until_built(&id).await.unwrap();
    let mut second = read.manifest.clone();
    second
        .extra
        .insert("x-who".into(), serde_json::json!("second"));
    let err = smapi
        .skills()
        .update_manifest(&id, &second)
        .if_match(read.etag.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PreconditionFailed { .. }), "{err:?}");
    // After an attempt that may have been applied (a 500), the retry's 412 cannot tell "ours
    // was applied, then overwritten" from "someone else was first": the manifest is read, it
    // holds neither what was sent nor the If-Match version, so the outcome is unknown.
    sim.fail_next("updateSkillManifest", 1, Fault::InternalError)
        .unwrap();
    let err = smapi
        .skills()
        .update_manifest(&id, &second)
        .if_match(read.etag.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert!(!err.is_retryable());
    // A 503 says "not processed": the 412 after it is a real 412.
    sim.fail_next("updateSkillManifest", 1, Fault::Unavailable)
        .unwrap();
    let err = smapi
        .skills()
        .update_manifest(&id, &second)
        .if_match(read.etag.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PreconditionFailed { .. }), "{err:?}");
    let now = smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap();
    assert_eq!(now.manifest, first);
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modify_never_applies_an_edit_twice() {
    let sim = sim().await;
    let smapi = client(&sim);
    let id = built_skill(&smapi, "counter").await;
    let mut expected = 0;
    for fault in APPLIED
        .into_iter()
        .chain([Fault::Reset, Fault::InternalError])
    {
        sim.fail_next("updateSkillManifest", 1, fault).unwrap();
        let runs = Arc::new(AtomicU32::new(0));
        let seen = runs.clone();
        let result = smapi
            .skills()
            .modify_manifest(&id, move |m| {
                seen.fetch_add(1, Ordering::SeqCst);
                let next = counter(m) + 1;
                m.extra.insert("x-counter".into(), serde_json::json!(next));
            })
            .await;
        expected += 1;
        let now = smapi
            .skills()
            .manifest(&id, Stage::Development)
            .await
            .unwrap();
        match result {
            Ok(accepted) => {
                assert_eq!(
                    counter(&now.manifest),
                    expected,
                    "{fault:?}: +1 applied once"
                );
                assert_eq!(accepted.etag, now.etag);
            }
            Err(e) => panic!("{fault:?}: {e:?}"),
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "{fault:?}: the edit ran once"
        );
        smapi.skills().wait_until_built(&id).await.unwrap();
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambiguous_create_is_outcome_unknown_and_never_retried() {
    let sim = sim().await;
    let smapi = client(&sim);
    // Every fault after which the create may have happened, whether it did or not.
    let ambiguous = [
        (Fault::AppliedThen500, true),
        (Fault::AppliedThenReset, true),
        (Fault::AppliedThenTruncate, true),
        (Fault::Truncate, true),
        (Fault::Malformed, true),
        (Fault::Reset, false),
        (Fault::InternalError, false),
    ];
    for (fault, stored) in ambiguous {
        let before_count = skill_count(&smapi).await;
        let before = sim.counters().operation("createSkillForVendor");
        sim.fail_next("createSkillForVendor", 1, fault).unwrap();
        let err = smapi
            .skills()
            .create(manifest("ambiguous"))
            .await
            .unwrap_err();
        assert_unknown_and_sent_once(
            &sim,
            &err,
            "createSkillForVendor",
            before,
            "list the vendor's skills",
            &format!("{fault:?}"),
        );
        assert_eq!(
            skill_count(&smapi).await,
            before_count + usize::from(stored),
            "{fault:?}"
        );
    }
    // Refusals that say "not processed" are retried and create exactly one skill.
    for fault in [
        Fault::Unavailable,
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
    ] {
        let before_count = skill_count(&smapi).await;
        sim.fail_next("createSkillForVendor", 1, fault).unwrap();
        smapi
            .skills()
            .create(manifest("retried"))
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(skill_count(&smapi).await, before_count + 1);
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_concludes_already_deleted_only_after_an_attempt_that_may_have_deleted() {
    let sim = sim().await;
    let smapi = client(&sim);
    // Applied, answer lost: the retry's 404 is our own delete.
    for fault in [
        Fault::AppliedThen500,
        Fault::AppliedThenReset,
        Fault::AppliedThenTruncate,
    ] {
        let id = built_skill(&smapi, "del").await;
        sim.fail_next("deleteSkill", 1, fault).unwrap();
        smapi
            .skills()
            .delete(&id)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        let gone = smapi
            .skills()
            .manifest(&id, Stage::Development)
            .await
            .unwrap_err();
        assert!(matches!(gone, Error::NotFound { .. }));
    }
    // Never existed; the first attempt was refused unprocessed (503, 429): a 404 is a 404.
    for fault in [
        Fault::Unavailable,
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
    ] {
        sim.fail_next("deleteSkill", 1, fault).unwrap();
        let err = smapi
            .skills()
            .delete("amzn1.ask.skill.never-existed")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{fault:?}: {err:?}");
    }
    // Every attempt ambiguous: outcome unknown, not retryable.
    let id = built_skill(&smapi, "del-unknown").await;
    sim.fail_next("deleteSkill", 100, Fault::InternalError)
        .unwrap();
    let err = smapi.skills().delete(&id).await.unwrap_err();
    sim.clear_fault_scripts();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert!(!err.is_retryable());
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_wait_out_a_running_build_and_return_the_new_etag() {
    let sim = sim().await;
    let smapi = client(&sim);
    let id = smapi
        .skills()
        .create(manifest("busy"))
        .await
        .unwrap()
        .skill_id;
    // The create's build is running: the server answers 409 until it ends.
    let polls = Arc::new(AtomicU32::new(0));
    let seen = polls.clone();
    let mut wanted = manifest("busy");
    wanted.extra.insert("x-step".into(), serde_json::json!(1));
    let accepted = smapi
        .skills()
        .update_manifest(&id, &wanted)
        .progress(Progress::new(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        }))
        .await
        .unwrap();
    assert!(polls.load(Ordering::SeqCst) >= 1, "progress was reported");
    let now = smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap();
    assert_eq!(accepted.etag, now.etag);
    assert!(accepted.etag.is_some());
    // modify right after an update (build running) also waits, and returns the ETag.
    let accepted = smapi
        .skills()
        .modify_manifest(&id, |m| {
            m.extra.insert("x-step".into(), serde_json::json!(2));
        })
        .await
        .unwrap();
    let now = smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap();
    assert_eq!(accepted.etag, now.etag);
    assert_eq!(now.manifest.extra["x-step"], serde_json::json!(2));
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modify_manifest_reports_the_running_build_it_waits_out_to_the_handles_progress() {
    // A build that outlasts the create → read → write steps even on a loaded machine (the
    // shared 30 ms one could end first, and then there is nothing to wait out).
    let sim = alexa_smapi_sim::Simulator::builder()
        .async_delay(std::time::Duration::from_millis(30))
        .build_delay(std::time::Duration::from_millis(1500))
        .start()
        .await
        .expect("simulator starts");
    let smapi = client(&sim);
    let id = smapi
        .skills()
        .create(manifest("busy-modify"))
        .await
        .unwrap()
        .skill_id;
    // The create's build is running: modify's write meets 409 until it ends, and every poll
    // of that wait goes to the handle's progress.
    let seen: Arc<std::sync::Mutex<Vec<(String, String)>>> = Arc::default();
    let record = seen.clone();
    let progress = Progress::new(move |p| {
        record
            .lock()
            .unwrap()
            .push((p.what.to_string(), p.state.to_string()));
    });
    let accepted = smapi
        .skills()
        .progress(&progress)
        .modify_manifest(&id, |m| {
            m.extra
                .insert("x-step".into(), serde_json::json!("modified"));
        })
        .await
        .unwrap();
    // Progress is only reported while a 409 (a running build) is waited out.
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.is_empty(), "no progress while the build ran");
    assert!(
        seen.iter().all(|(what, _)| what.contains(id.as_str())),
        "{seen:?}"
    );
    let now = smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap();
    assert!(accepted.etag.is_some());
    assert_eq!(accepted.etag, now.etag, "modify returns the new ETag");
    assert_eq!(now.manifest.extra["x-step"], serde_json::json!("modified"));
    sim.shutdown().await.unwrap();
}

/// `err` is `OutcomeUnknown` from `operation`, not retryable, and its advice mentions
/// `advice`; and `operation` went out exactly once since its counter stood at `before`
/// (a write whose answer was lost is never sent again). `context` names the case.
fn assert_unknown_and_sent_once(
    sim: &SimHandle,
    err: &Error,
    operation: &str,
    before: u64,
    advice: &str,
    context: &str,
) {
    assert!(
        matches!(err, Error::OutcomeUnknown { operation: op, .. } if *op == operation),
        "{context}: {err:?}"
    );
    assert!(!err.is_retryable(), "{context}");
    assert!(err.to_string().contains(advice), "{context}: {err}");
    assert_eq!(
        sim.counters().operation(operation) - before,
        1,
        "{context}: {operation} sent once, never repeated"
    );
}

/// The live row of `id` in the vendor's skill list: its publication status (`PUBLISHED`,
/// `HIDDEN`, `REMOVED`), as the server holds it.
async fn live_status(smapi: &Smapi, id: &str) -> Option<String> {
    listed(smapi)
        .await
        .into_iter()
        .find(|s| s.skill_id.as_str() == id && s.stage == Some(Stage::Live))
        .and_then(|s| s.publication_status.map(|p| p.to_string()))
}

/// Requests a publish or unpublish takes when `fault` strikes its first attempt: a lost
/// answer (500 after the write, reset) is repeated once, which is safe; a 202 whose body is
/// cut off or broken has answered already (the client reads no body from a 202).
fn requests(fault: Fault) -> u64 {
    match fault {
        Fault::AppliedThen500 | Fault::AppliedThenReset => 2,
        _ => 1,
    }
}

/// publishSkill, unpublishSkill and createDiscoverySession, each struck by every fault that
/// stores the write and loses its answer. What the rustdoc promises:
/// - submit / unpublish are safe to repeat, so they are retried: the retry's success is `Ok`,
///   and the server holds the one publication (or unpublication) asked for (a repeat stores
///   the same state again: the same scheduled date, the same HIDDEN live stage);
/// - create_session is never repeated once it may have reached the server: exactly one
///   request, and `OutcomeUnknown` (not retryable, with advice) since its answer was lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_unpublish_and_session_writes_whose_answer_was_lost_apply_once_or_say_unknown() {
    use alexa_smapi::{EndpointReporter, Region, UnpublishReason, UnpublishType};
    let sim = sim().await;
    let smapi = client(&sim);
    // Whole seconds, so the date read back compares exactly.
    let when =
        chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() + 7 * 86_400, 0).unwrap();
    for fault in APPLIED {
        // publishSkill: a publication scheduled for `when`, whatever the fault.
        let id = built_skill(&smapi, "publish").await;
        let before = sim.counters().operation("publishSkill");
        sim.fail_next("publishSkill", 1, fault).unwrap();
        let result = smapi.publishing().submit(&id).at(when).await;
        let sent = sim.counters().operation("publishSkill") - before;
        result.unwrap_or_else(|e| panic!("publish {fault:?}: {e:?}"));
        assert_eq!(sent, requests(fault), "publish {fault:?}");
        let publication = smapi.publishing().status(&id).await.unwrap();
        assert_eq!(
            publication.publishes_at_date,
            Some(when),
            "publish {fault:?}"
        );
        assert_eq!(
            publication.status.map(|s| s.to_string()).as_deref(),
            Some("SCHEDULED"),
            "publish {fault:?}"
        );

        // unpublishSkill: the live stage is hidden, whatever the fault.
        let id = built_skill(&smapi, "unpublish").await;
        smapi.publishing().submit(&id).await.unwrap();
        smapi.publishing().wait_until_published(&id).await.unwrap();
        assert_eq!(live_status(&smapi, &id).await.as_deref(), Some("PUBLISHED"));
        let before = sim.counters().operation("unpublishSkill");
        sim.fail_next("unpublishSkill", 1, fault).unwrap();
        let result = smapi
            .publishing()
            .unpublish(
                &id,
                UnpublishType::Hide,
                UnpublishReason::PublishedByMistake,
            )
            .await;
        let sent = sim.counters().operation("unpublishSkill") - before;
        result.unwrap_or_else(|e| panic!("unpublish {fault:?}: {e:?}"));
        assert_eq!(sent, requests(fault), "unpublish {fault:?}");
        assert_eq!(
            live_status(&smapi, &id).await.as_deref(),
            Some("HIDDEN"),
            "unpublish {fault:?}"
        );

        // createDiscoverySession: one request, stored, its answer lost: unknown.
        let before = sim.counters().operation("createDiscoverySession");
        sim.fail_next("createDiscoverySession", 1, fault).unwrap();
        let err = smapi
            .discovery(Region::Eu)
            .create_session(
                "amzn1.alexa.unit.did.once",
                EndpointReporter::skill(&id, Stage::Development),
            )
            .await
            .unwrap_err();
        assert_unknown_and_sent_once(
            &sim,
            &err,
            "createDiscoverySession",
            before,
            "a session may have started",
            &format!("session {fault:?}"),
        );
    }
    assert!(sim.pending_fault_scripts().is_empty(), "every fault struck");
    sim.shutdown().await.unwrap();
}

//! Paging, ID chunking, ETags and read-modify-write against the simulator.

mod client_support;

use alexa_smapi::{Error, Stage};
use client_support::{client, manifest, sim};
use futures::{StreamExt, TryStreamExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_streams_across_pages_and_chunks_ids_by_ten() {
    let sim = sim().await;
    let smapi = client(&sim);
    let ids: Vec<alexa_smapi::SkillId> = futures::stream::iter(0..23)
        .map(|i| {
            let smapi = smapi.clone();
            async move {
                smapi
                    .skills()
                    .create(manifest(&format!("page-{i}")))
                    .await
                    .unwrap()
                    .skill_id
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;

    let before = sim.counters().operation("listSkillsForVendor");
    let pages: Vec<_> = smapi
        .skills()
        .list()
        .page_size(5)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 5);
    assert_eq!(sim.counters().operation("listSkillsForVendor") - before, 5);
    let all: Vec<_> = smapi
        .skills()
        .list()
        .page_size(5)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 23);
    let mut listed: Vec<_> = all.iter().map(|s| s.skill_id.clone()).collect();
    listed.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(listed, expected, "every skill exactly once");

    let before = sim.counters().operation("listSkillsForVendor");
    let found: Vec<_> = smapi
        .skills()
        .list_by_ids(ids.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 23);
    assert_eq!(
        sim.counters().operation("listSkillsForVendor") - before,
        3,
        "10 + 10 + 3"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn manifest_comes_with_its_etag_and_a_stale_etag_is_precondition_failed() {
    let sim = sim().await;
    let smapi = client(&sim);
    let skills = smapi.skills();
    let id = skills.create(manifest("etag")).await.unwrap().skill_id;
    skills.wait_until_built(&id).await.unwrap();
    let first = skills.manifest(&id, Stage::Development).await.unwrap();
    let etag = first.etag.clone().expect("ETag header");
    let accepted = skills
        .update_manifest(&id, &first.manifest)
        .if_match(&etag)
        .await
        .unwrap();
    assert!(accepted.location.is_some(), "Location exposed");
    skills.wait_until_built(&id).await.unwrap();
    let err = skills
        .update_manifest(&id, &first.manifest)
        .if_match(&etag)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::PreconditionFailed {
                operation: "updateSkillManifest",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("updateSkillManifest"));
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_modifications_both_land_and_unknown_fields_survive() {
    let sim = alexa_smapi_sim::Simulator::builder()
        .async_delay(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let smapi = client(&sim);
    let original = manifest("rmw");
    let id = smapi
        .skills()
        .create(original.clone())
        .await
        .unwrap()
        .skill_id;
    smapi.skills().wait_until_built(&id).await.unwrap();

    let tasks = (0..4).map(|n| {
        let smapi = smapi.clone();
        let id = id.clone();
        tokio::spawn(async move {
            loop {
                let r = smapi
                    .skills()
                    .modify_manifest(&id, |m| {
                        m.extra
                            .insert(format!("x-writer-{n}"), serde_json::json!(n));
                    })
                    .await;
                match r {
                    Ok(_) => return,
                    Err(Error::Api { status: 409, .. }) => {
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        })
    });
    for t in futures::future::join_all(tasks).await {
        t.unwrap();
    }
    let now = smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap()
        .manifest;
    for n in 0..4 {
        assert_eq!(
            now.extra.get(&format!("x-writer-{n}")),
            Some(&serde_json::json!(n)),
            "writer {n} lost"
        );
    }
    // Everything else is exactly as created, unknown fields included.
    let mut expected = serde_json::to_value(&original).unwrap();
    let mut got = serde_json::to_value(&now).unwrap();
    for n in 0..4 {
        got.as_object_mut()
            .unwrap()
            .remove(&format!("x-writer-{n}"));
    }
    expected.as_object_mut().unwrap().remove("x-none");
    assert_eq!(got, expected);
    assert_eq!(
        got["publishingInformation"]["futurePublishingField"],
        serde_json::json!([1, 2, 3])
    );
    assert_eq!(
        got["events"]["subscriptions"][0]["eventName"],
        "SKILL_ENABLED"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modify_manifest_gives_up_after_bounded_rounds_of_412() {
    let sim = alexa_smapi_sim::Simulator::builder()
        .async_delay(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let smapi = client(&sim);
    let id = smapi
        .skills()
        .create(manifest("bounded"))
        .await
        .unwrap()
        .skill_id;
    smapi.skills().wait_until_built(&id).await.unwrap();
    let rival = client(&sim);
    let handle = tokio::runtime::Handle::current();
    let mut rounds = 0;
    let err = smapi
        .skills()
        .modify_manifest(&id, |m| {
            rounds += 1;
            // Between our read and our write, someone else writes (no If-Match).
            let theirs = m.clone();
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    rival.skills().update_manifest(&id, &theirs).await.unwrap();
                    rival.skills().wait_until_built(&id).await.unwrap();
                })
            });
            m.manifest_version = Some("1.0".into());
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PreconditionFailed { .. }), "{err:?}");
    assert_eq!(rounds, alexa_smapi::api::skills::MODIFY_ATTEMPTS);
    sim.shutdown().await.unwrap();
}

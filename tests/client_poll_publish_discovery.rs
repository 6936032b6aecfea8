//! Waiting for builds, publications and discovery sessions; regions.

mod client_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use alexa_smapi::poll::Progress;
use alexa_smapi::{
    EndpointReporter, Error, PollPolicy, Region, Stage, UnpublishReason, UnpublishType,
};
use alexa_smapi_sim::Simulator;
use client_support::{client, manifest};

async fn slow_sim() -> alexa_smapi_sim::SimHandle {
    Simulator::builder()
        .async_delay(Duration::from_millis(300))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn wait_until_built_reports_progress_and_returns_on_success() {
    let sim = slow_sim().await;
    let smapi = client(&sim);
    let created = smapi.skills().create(manifest("poll")).await.unwrap();
    assert!(
        created
            .location
            .as_deref()
            .unwrap_or("")
            .contains(created.skill_id.as_str())
    );
    let seen = Arc::new(AtomicU32::new(0));
    let s = seen.clone();
    let status = smapi
        .skills()
        .wait_until_built(&created.skill_id)
        .progress(Progress::new(move |p| {
            assert_eq!(p.state, "IN_PROGRESS");
            s.fetch_add(1, Ordering::Relaxed);
        }))
        .await
        .unwrap();
    assert!(
        seen.load(Ordering::Relaxed) >= 1,
        "progress was reported while building"
    );
    let last = status.manifest.unwrap().last_update_request.unwrap();
    assert_eq!(last.status.to_string(), "SUCCEEDED");
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failed_build_stops_the_wait_at_once_with_the_servers_errors() {
    let sim = slow_sim().await;
    let smapi = client(&sim);
    let broken: alexa_smapi::types::SkillManifest = serde_json::from_value(
        serde_json::json!({"manifestVersion": "1.0", "publishingInformation": {"locales": {}}}),
    )
    .unwrap();
    let id = smapi.skills().create(broken).await.unwrap().skill_id;
    let started = Instant::now();
    let err = smapi.skills().wait_until_built(&id).await.unwrap_err();
    match &err {
        Error::BuildFailed { skill_id, errors } => {
            assert_eq!(skill_id, &id);
            assert!(!errors.is_empty());
            assert!(err.to_string().contains(&errors[0].message));
        }
        other => panic!("expected BuildFailed, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_wait_gives_up_after_its_overall_timeout() {
    let sim = Simulator::builder()
        .async_delay(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let smapi = client(&sim);
    let id = smapi
        .skills()
        .create(manifest("slow"))
        .await
        .unwrap()
        .skill_id;
    let started = Instant::now();
    let err = smapi
        .skills()
        .wait_until_built(&id)
        .policy(
            PollPolicy::default()
                .initial_interval(Duration::from_millis(20))
                .timeout(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::WaitTimeout { ref last_state, .. } if last_state == "IN_PROGRESS"),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn publish_wait_status_then_unpublish() {
    let sim = Simulator::builder()
        .async_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let smapi = client(&sim);
    let id = smapi
        .skills()
        .create(manifest("pub"))
        .await
        .unwrap()
        .skill_id;
    smapi.skills().wait_until_built(&id).await.unwrap();
    assert!(matches!(
        smapi.publishing().status(&id).await,
        Err(Error::NotFound { .. })
    ));
    smapi.publishing().submit(&id).await.unwrap();
    let publication = smapi.publishing().wait_until_published(&id).await.unwrap();
    assert_eq!(publication.status.unwrap().to_string(), "SUCCEEDED");
    smapi
        .skills()
        .manifest(&id, Stage::Live)
        .await
        .expect("live stage exists after publication");
    smapi
        .publishing()
        .unpublish(
            &id,
            UnpublishType::Hide,
            UnpublishReason::PublishedByMistake,
        )
        .await
        .unwrap();
    // Scheduled publication.
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    smapi.publishing().submit(&id).at(later).await.unwrap();
    let scheduled = smapi.publishing().wait_until_published(&id).await.unwrap();
    assert_eq!(scheduled.status.unwrap().to_string(), "SCHEDULED");
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn discovery_sessions_live_in_their_region() {
    let sim = Simulator::builder()
        .async_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let smapi = client(&sim);
    let id = smapi
        .skills()
        .create(manifest("disc"))
        .await
        .unwrap()
        .skill_id;
    let region = Region::for_country("FR").unwrap();
    assert_eq!(region, Region::Eu);
    let eu = smapi.discovery(region);
    let session = eu
        .create_session(
            "amzn1.alexa.unit.did.1",
            EndpointReporter::skill(&id, Stage::Development),
        )
        .await
        .unwrap();
    assert!(session.location.is_some());
    let seen = Arc::new(AtomicU32::new(0));
    let s = seen.clone();
    eu.wait(&session.id)
        .progress(Progress::new(move |_| {
            s.fetch_add(1, Ordering::Relaxed);
        }))
        .await
        .unwrap();
    assert_eq!(
        eu.status(&session.id).await.unwrap().to_string(),
        "SUCCEEDED"
    );
    let elsewhere = smapi
        .discovery(Region::Fe)
        .status(&session.id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            elsewhere,
            Error::NotFound {
                operation: "getDiscoverySession",
                ..
            }
        ),
        "{elsewhere:?}"
    );
    sim.shutdown().await.unwrap();
}

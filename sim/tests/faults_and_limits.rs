//! Rate limiting and every fault kind, over real HTTP.

mod common;

use std::time::{Duration, Instant};

use alexa_smapi_sim::{Fault, FaultConfig};
use common::*;
use reqwest::StatusCode;
use serde_json::Value;

async fn skill_path(api: &Api) -> String {
    let id = api.create_skill(VENDOR, manifest("Faulty")).await;
    manifest_path(&id, "development")
}

#[tokio::test]
async fn rate_limit_per_token_with_retry_after() {
    let sim = start_with(|b| b.rate_limit(3)).await;
    let a = Api::new(&sim, VENDOR);
    let b = Api::new(&sim, VENDOR);
    let url = format!("/v1/skills?vendorId={VENDOR}");
    for _ in 0..3 {
        assert_eq!(a.get_status(&url).await, StatusCode::OK);
    }
    let limited = a.get_response(&url).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "TOO_MANY_REQUESTS");
    // Another token has its own bucket.
    assert_eq!(b.get_status(&url).await, StatusCode::OK);
    assert_eq!(sim.counters().rate_limited, 1);

    // Waiting as told lets the request through.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(a.get_status(&url).await, StatusCode::OK);

    // Changed at runtime: off.
    sim.set_rate_limit(None);
    for _ in 0..20 {
        assert_eq!(a.get_status(&url).await, StatusCode::OK);
    }
}

#[tokio::test]
async fn header_faults_of_every_kind() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let path = skill_path(&api).await;
    let get = |fault: &'static str| api.get(&path).header("x-sim-fault", fault).send();

    for (fault, status, code) in [
        (
            "500",
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
        ),
        (
            "503",
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
        ),
    ] {
        let resp = get(fault).await.unwrap();
        assert_eq!(resp.status(), status);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], code);
    }
    let throttled = get("429;retry-after=7").await.unwrap();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()["retry-after"], "7");
    let plain_429 = get("429").await.unwrap();
    assert_eq!(plain_429.headers()["retry-after"], "1");

    // Reset: no response at all.
    let reset = get("reset").await;
    let err = reset.expect_err("connection closed without a response");
    assert!(!err.is_status(), "{err}");

    // Truncate: headers arrive, the body breaks off before Content-Length.
    let truncated = get("truncate").await.unwrap();
    assert_eq!(truncated.status(), StatusCode::OK);
    let declared: usize = truncated.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    assert!(truncated.bytes().await.is_err(), "body must not complete");

    // Malformed: a 200 whose body is not JSON.
    let malformed = get("malformed").await.unwrap();
    assert_eq!(malformed.status(), StatusCode::OK);
    assert!(
        malformed.headers().contains_key("etag"),
        "real headers kept"
    );
    let text = malformed.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    // Latency: the real answer, late.
    let started = Instant::now();
    let slow = get("latency=300").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(slow.status(), StatusCode::OK);
    slow.json::<Value>().await.unwrap();

    // An unparsable header is a 400 naming the header.
    let bad = get("teapot").await.unwrap();
    assert_error(bad, StatusCode::BAD_REQUEST, "x-sim-fault").await;

    // Faults apply to the token endpoint too (OAuth-shaped).
    let lwa = reqwest::Client::new()
        .post(sim.token_url())
        .header("x-sim-fault", "503")
        .send()
        .await
        .unwrap();
    assert_eq!(lwa.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = lwa.json().await.unwrap();
    assert_eq!(body["error"], "service_unavailable");

    // After all that the connection pool and the server are fine.
    assert_eq!(api.get_status(&path).await, StatusCode::OK);
    assert_eq!(sim.counters().faults_injected, 9);
}

#[tokio::test]
async fn scripted_faults_hit_the_next_requests_of_one_operation() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let path = skill_path(&api).await;
    let id = path.split('/').nth(3).unwrap().to_owned();
    sim.fail_next("getSkillManifest", 2, Fault::Unavailable)
        .unwrap();
    sim.fail_next(
        "getSkillManifest",
        1,
        Fault::TooManyRequests {
            retry_after_secs: 2,
        },
    )
    .unwrap();
    assert!(
        sim.fail_next("getSkilManifest", 1, Fault::Reset).is_err(),
        "typo in operation ID"
    );

    // Other operations are untouched.
    let status = api.get_status(&format!("/v1/skills/{id}/status")).await;
    assert_eq!(status, StatusCode::OK);

    let mut seen = Vec::new();
    for _ in 0..4 {
        let resp = api.get_response(&path).await;
        seen.push(resp.status().as_u16());
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(resp.headers()["retry-after"], "2");
        }
    }
    assert_eq!(seen, [503, 503, 429, 200]);
    assert!(sim.pending_fault_scripts().is_empty());

    sim.fail_next_any(1, Fault::InternalError);
    let any = api.get_status(&format!("/v1/skills/{id}/status")).await;
    assert_eq!(any, StatusCode::INTERNAL_SERVER_ERROR);
    sim.fail_next_any(5, Fault::Reset);
    sim.clear_fault_scripts();
    assert_eq!(api.get_status(&path).await, StatusCode::OK);
}

async fn statuses(sim: &alexa_smapi_sim::SimHandle, api: &Api, path: &str, n: usize) -> Vec<u16> {
    let _ = sim;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(match api.get(path).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                match resp.bytes().await {
                    Ok(bytes)
                        if status == 200 && serde_json::from_slice::<Value>(&bytes).is_err() =>
                    {
                        1
                    } // malformed
                    Ok(_) => status,
                    Err(_) => 2, // truncated
                }
            }
            Err(_) => 0, // reset
        });
    }
    out
}

#[tokio::test]
async fn random_faults_are_deterministic_for_a_seed() {
    let config = FaultConfig {
        error_500: 0.1,
        error_503: 0.1,
        error_429: 0.1,
        reset: 0.1,
        truncate: 0.1,
        malformed: 0.1,
        seed: 7,
        ..FaultConfig::default()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sim = start().await;
        let api = Api::new(&sim, VENDOR);
        let path = skill_path(&api).await;
        sim.set_faults(config.clone()).unwrap();
        let seen = statuses(&sim, &api, &path, 60).await;
        assert_eq!(
            sim.counters().faults_injected as usize,
            seen.iter().filter(|s| **s != 200).count()
        );
        runs.push(seen);
    }
    assert_eq!(
        runs[0], runs[1],
        "same seed, same request order, same faults"
    );
    for kind in [0, 1, 2, 429, 500, 503, 200] {
        assert!(
            runs[0].contains(&kind),
            "kind {kind} never drawn in {:?}",
            runs[0]
        );
    }

    // A different seed gives a different sequence; all-zero probabilities give none.
    let sim = start_with(|b| {
        b.faults(FaultConfig {
            seed: 8,
            ..config.clone()
        })
    })
    .await;
    let api = Api::new(&sim, VENDOR);
    sim.set_faults(FaultConfig::default()).unwrap();
    let path = skill_path(&api).await;
    sim.set_faults(FaultConfig { seed: 8, ..config }).unwrap();
    let other = statuses(&sim, &api, &path, 60).await;
    assert_ne!(other, runs[0]);
    sim.set_faults(FaultConfig::default()).unwrap();
    assert!(
        statuses(&sim, &api, &path, 20)
            .await
            .iter()
            .all(|s| *s == 200)
    );

    assert!(
        sim.set_faults(FaultConfig {
            error_500: 1.5,
            ..FaultConfig::default()
        })
        .is_err()
    );
    assert!(
        builder()
            .faults(FaultConfig {
                reset: 0.6,
                truncate: 0.6,
                ..FaultConfig::default()
            })
            .start()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn random_latency() {
    let sim = start_with(|b| {
        b.faults(FaultConfig {
            latency: 1.0,
            latency_ms: 150,
            ..FaultConfig::default()
        })
    })
    .await;
    let api = Api::new(&sim, VENDOR);
    let started = Instant::now();
    let status = api
        .get_status(&format!("/v1/skills?vendorId={VENDOR}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

/// The faults that strike after the handler store the write and lose only its answer; the
/// ones before it store nothing. Every kind, by header and by script, on every write.
#[tokio::test]
async fn applied_then_faults_store_the_write_and_lose_the_answer() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let count = |api: &Api| {
        let url = format!("/v1/skills?vendorId={VENDOR}");
        let req = api.get(&url);
        async move { fetch_json(req).await["skills"].as_array().unwrap().len() }
    };
    let create = |name: &str, fault: &'static str| {
        api.post("/v1/skills")
            .header("x-sim-fault", fault)
            .json(&serde_json::json!({ "vendorId": VENDOR, "manifest": manifest(name) }))
            .send()
    };

    // Before the handler: nothing stored.
    for fault in ["reset", "500", "503"] {
        let before = count(&api).await;
        let _ = create("before", fault).await;
        assert_eq!(count(&api).await, before, "{fault}");
    }
    // After the handler: stored, answer lost or replaced.
    let before = count(&api).await;
    let failed = create("after-500", "applied-then-500").await.unwrap();
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = failed.json().await.unwrap();
    assert_eq!(body["code"], "INTERNAL_SERVER_ERROR");
    assert!(create("after-reset", "applied-then-reset").await.is_err());
    let cut = create("after-truncate", "applied-then-truncate")
        .await
        .unwrap();
    assert_eq!(cut.status(), StatusCode::ACCEPTED);
    assert!(cut.bytes().await.is_err(), "body must break off");
    assert_eq!(count(&api).await, before + 3);

    // An update applied, then 500: the new manifest is stored.
    let id = api.create_built_skill(VENDOR, manifest("upd")).await;
    let path = manifest_path(&id, "development");
    let resp = api
        .put(&path)
        .header("x-sim-fault", "applied-then-500")
        .json(&serde_json::json!({ "manifest": manifest("renamed") }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let stored = api.get_json(&path).await;
    assert_eq!(stored["manifest"], manifest("renamed"));

    // A delete applied, then reset (scripted): the skill is gone.
    sim.fail_next("deleteSkill", 1, Fault::AppliedThenReset)
        .unwrap();
    assert!(
        api.delete(&format!("/v1/skills/{id}/"))
            .send()
            .await
            .is_err()
    );
    assert_eq!(api.get_status(&path).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn seeded_applied_then_faults_are_drawn() {
    let config = FaultConfig {
        applied_then_500: 0.2,
        applied_then_reset: 0.2,
        applied_then_truncate: 0.2,
        seed: 7,
        ..FaultConfig::default()
    };
    let sim = start_with(|b| b.faults(config.clone())).await;
    let api = Api::new(&sim, VENDOR);
    let path = format!("/v1/skills?vendorId={VENDOR}");
    let mut outcomes = Vec::new();
    for _ in 0..60 {
        outcomes.push(match api.get(&path).send().await {
            Err(_) => "reset",
            Ok(r) if r.status() == StatusCode::INTERNAL_SERVER_ERROR => "500",
            Ok(r) => match r.bytes().await {
                Err(_) => "truncate",
                Ok(_) => "ok",
            },
        });
    }
    for kind in ["reset", "500", "truncate", "ok"] {
        assert!(outcomes.contains(&kind), "{kind} never drawn: {outcomes:?}");
    }
    assert!(config.validate().is_ok());
    let too_much = FaultConfig {
        applied_then_reset: 0.6,
        reset: 0.6,
        ..FaultConfig::default()
    };
    assert!(too_much.validate().is_err());
}

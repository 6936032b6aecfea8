//! Contract tests: the generated client (`alexa_smapi::generated::Client`) drives a full
//! lifecycle against the simulator, and every response the simulator sent is validated
//! against the operation's declared status codes, headers and schema in `openapi/smapi.yaml`.

#[path = "../common/mod.rs"]
mod common;
mod spec_check;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use alexa_smapi::RetryPolicy;
use alexa_smapi::generated::{Client, RawError as Error, ResponseValue, types};
use alexa_smapi::transport::Transport;
use alexa_smapi_sim::{DEFAULT_VENDOR_ID, Fault, SimHandle};
use common::{OTHER_VENDOR, start_with};
use serde_json::{Value, json};
use spec_check::SpecChecker;

fn client(base: &str, token: &str) -> Client {
    Client::new(
        base,
        Transport::with_access_token(token.to_owned()).with_retry_policy(RetryPolicy::none()),
    )
}

fn status<T, E>(result: &Result<ResponseValue<T>, Error<E>>) -> u16 {
    match result {
        Ok(rv) => rv.status().as_u16(),
        Err(e) => e.status().map_or(0, |s| s.as_u16()),
    }
}

fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("test value matches the generated type")
}

fn manifest(name: &str) -> Value {
    json!({
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": { "en-US": { "name": name, "summary": "Sample.", "description": "Sample skill.", "examplePhrases": ["Alexa, open sample"] } },
            "category": "SMART_HOME",
            "distributionCountries": ["US"],
            "isAvailableWorldwide": false
        },
        "apis": { "custom": { "endpoint": { "uri": "arn:aws:lambda:us-east-1:123456789012:function:sample" } } },
        "privacyAndCompliance": { "allowsPurchases": false, "usesPersonalInfo": false },
        "events": {
            "endpoint": { "uri": "arn:aws:lambda:us-east-1:123456789012:function:sample" },
            "subscriptions": [{ "eventName": "SKILL_ENABLED" }]
        }
    })
}

fn envelope(name: &str) -> types::SkillManifestEnvelope {
    typed(json!({ "manifest": manifest(name) }))
}

/// Updates the development manifest to `manifest(name)`, with If-Match when given; the status.
async fn update_manifest(api: &Client, id: &str, if_match: Option<&str>, name: &str) -> u16 {
    let mut req = api
        .update_skill_manifest()
        .skill_id(id)
        .stage("development")
        .body(envelope(name));
    if let Some(etag) = if_match {
        req = req.if_match(etag);
    }
    status(&req.send().await)
}

/// Submits a publication scheduled at `publishes_at`; the status.
async fn publish_at(api: &Client, id: &str, publishes_at: &str) -> u16 {
    let body = typed::<types::PublishSkillRequest>(json!({ "publishesAtDate": publishes_at }));
    status(&api.publish_skill().skill_id(id).body(body).send().await)
}

async fn manifest_status(api: &Client, id: &str, stage: &str) -> u16 {
    status(
        &api.get_skill_manifest()
            .skill_id(id)
            .stage(stage)
            .send()
            .await,
    )
}

async fn skill_status(api: &Client, id: &str) -> u16 {
    status(&api.get_skill_status().skill_id(id).send().await)
}

async fn session_status(api: &Client, id: &str) -> u16 {
    status(&api.get_discovery_session().id(id).send().await)
}

async fn create(api: &Client, name: &str) -> String {
    let resp = api
        .create_skill_for_vendor()
        .body(typed::<types::CreateSkillRequest>(
            json!({ "vendorId": DEFAULT_VENDOR_ID, "manifest": manifest(name) }),
        ))
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status().as_u16(), 202);
    resp.into_inner().skill_id.to_string()
}

async fn wait_build(api: &Client, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let resp = api
            .get_skill_status()
            .skill_id(id)
            .send()
            .await
            .expect("status");
        let body = serde_json::to_value(resp.into_inner()).unwrap();
        if body["manifest"]["lastUpdateRequest"]["status"] != "IN_PROGRESS" {
            return;
        }
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn wait_publication(api: &Client, id: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let resp = api
            .get_skill_publication()
            .skill_id(id)
            .send()
            .await
            .expect("publication");
        let body = serde_json::to_value(resp.into_inner()).unwrap();
        if body["status"] == want {
            return;
        }
        assert!(Instant::now() < deadline, "{body}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn start() -> SimHandle {
    start_with(|b| {
        b.async_delay(Duration::from_millis(150))
            .record_exchanges(true)
    })
    .await
}

#[tokio::test]
async fn full_lifecycle_through_the_generated_client_matches_the_spec() {
    let sim = start().await;
    let token = sim.issue_access_token(DEFAULT_VENDOR_ID);
    let api = client(sim.url(), &token);
    let other = client(sim.url(), &sim.issue_access_token(OTHER_VENDOR));
    let stranger = client(sim.url(), "Atza|not-a-token");

    // Create, build, read.
    let id = create(&api, "Contract").await;
    let early = api
        .get_skill_status()
        .skill_id(id.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(early.into_inner()).unwrap()["manifest"]["lastUpdateRequest"]["status"],
        "IN_PROGRESS"
    );
    wait_build(&api, &id).await;
    let got = api
        .get_skill_manifest()
        .skill_id(id.as_str())
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .unwrap();
    let etag = got.headers()["etag"].to_str().unwrap().to_owned();
    let envelope = serde_json::to_value(got.into_inner()).unwrap();
    assert_eq!(
        envelope["manifest"]["events"],
        manifest("Xy")["events"],
        "unknown fields survive the typed client"
    );

    // Update: stale ETag, fresh ETag, then a conflict while that build runs.
    let stale = update_manifest(&api, &id, Some("\"stale\""), "v2").await;
    assert_eq!(stale, 412);
    let ok = update_manifest(&api, &id, Some(&etag), "v2").await;
    assert_eq!(ok, 202);
    let busy = update_manifest(&api, &id, None, "v3").await;
    assert_eq!(busy, 409);
    wait_build(&api, &id).await;
    let filtered = api
        .get_skill_status()
        .skill_id(id.as_str())
        .resource(vec![
            types::StatusResource::Manifest,
            types::StatusResource::InteractionModel,
        ])
        .send()
        .await;
    assert_eq!(status(&filtered), 200);

    // A failing build reports errors.
    let broken = api
        .create_skill_for_vendor()
        .body(typed::<types::CreateSkillRequest>(json!({ "vendorId": DEFAULT_VENDOR_ID, "manifest": { "publishingInformation": { "locales": { "en-US": {} } } } })))
        .send()
        .await
        .unwrap()
        .into_inner()
        .skill_id
        .to_string();
    wait_build(&api, &broken).await;

    // List across pages, then by ID; and the 400 rules.
    for i in 0..3 {
        create(&api, &format!("Page {i}")).await;
    }
    let mut seen = BTreeSet::new();
    let mut next: Option<String> = None;
    loop {
        let mut req = api
            .list_skills_for_vendor()
            .vendor_id(DEFAULT_VENDOR_ID)
            .max_results(2u32);
        if let Some(token) = &next {
            req = req.next_token(token.as_str());
        }
        let page = serde_json::to_value(req.send().await.unwrap().into_inner()).unwrap();
        for s in page["skills"].as_array().unwrap() {
            seen.insert(s["skillId"].as_str().unwrap().to_owned());
        }
        match page["nextToken"].as_str() {
            Some(t) if page["isTruncated"] == true => next = Some(t.to_owned()),
            _ => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let by_id = api
        .list_skills_for_vendor()
        .vendor_id(DEFAULT_VENDOR_ID)
        .skill_id(vec![alexa_smapi::SkillId::from(id.as_str())])
        .send()
        .await;
    assert_eq!(status(&by_id), 200);
    assert_eq!(
        status(
            &api.list_skills_for_vendor()
                .vendor_id(DEFAULT_VENDOR_ID)
                .max_results(51u32)
                .send()
                .await
        ),
        400
    );
    assert_eq!(
        status(
            &api.list_skills_for_vendor()
                .vendor_id(DEFAULT_VENDOR_ID)
                .next_token("garbage")
                .send()
                .await
        ),
        400
    );
    assert_eq!(
        status(
            &other
                .list_skills_for_vendor()
                .vendor_id(DEFAULT_VENDOR_ID)
                .send()
                .await
        ),
        401
    );
    let foreign_create = other
        .create_skill_for_vendor()
        .body(typed::<types::CreateSkillRequest>(
            json!({ "vendorId": DEFAULT_VENDOR_ID, "manifest": manifest("Xy") }),
        ))
        .send()
        .await;
    assert_eq!(status(&foreign_create), 403);

    // Publishing: none yet, now, scheduled, unpublish.
    assert_eq!(
        status(
            &api.get_skill_publication()
                .skill_id(id.as_str())
                .send()
                .await
        ),
        404
    );
    assert_eq!(manifest_status(&api, &id, "live").await, 404);
    assert_eq!(
        status(&api.publish_skill().skill_id(id.as_str()).send().await),
        202
    );
    wait_publication(&api, &id, "SUCCEEDED").await;
    assert_eq!(manifest_status(&api, &id, "live").await, 200);
    let listed = api
        .list_skills_for_vendor()
        .vendor_id(DEFAULT_VENDOR_ID)
        .skill_id(vec![alexa_smapi::SkillId::from(id.as_str())])
        .send()
        .await;
    assert_eq!(status(&listed), 200);
    let later = (chrono::Utc::now() + chrono::TimeDelta::days(7)).to_rfc3339();
    assert_eq!(publish_at(&api, &id, &later).await, 202);
    wait_publication(&api, &id, "SCHEDULED").await;
    let too_far = (chrono::Utc::now() + chrono::TimeDelta::days(200)).to_rfc3339();
    assert_eq!(publish_at(&api, &id, &too_far).await, 400);
    let hide = api
        .unpublish_skill()
        .skill_id(id.as_str())
        .accept_language("en-US")
        .body(typed::<types::UnpublishSkillRequest>(
            json!({ "type": "HIDE", "reason": "Published by mistake" }),
        ))
        .send()
        .await;
    assert_eq!(status(&hide), 202);

    // Resource schema, and its document (not an operation of the spec; fetched plainly).
    for (resource, operation) in [
        ("manifest", Some("SUBMIT_SKILL")),
        ("skillPackageStructure", None),
    ] {
        let mut req = api
            .get_resource_schema()
            .resource(resource)
            .vendor_id(DEFAULT_VENDOR_ID);
        if let Some(op) = operation {
            req = req.operation(op);
        }
        let location = req.send().await.unwrap().into_inner();
        let doc = reqwest::get(location.schema_location_url.as_str())
            .await
            .unwrap();
        assert_eq!(doc.status().as_u16(), 200);
    }
    assert_eq!(
        status(
            &api.get_resource_schema()
                .resource("manifest")
                .vendor_id(DEFAULT_VENDOR_ID)
                .send()
                .await
        ),
        400
    );

    // Discovery sessions in each region, through region-prefixed base URLs.
    let mut sessions = Vec::new();
    for region in ["na", "eu", "fe"] {
        let regional = client(&format!("{}/{region}", sim.url()), &token);
        let created = regional
            .create_discovery_session()
            .unit("amzn1.alexa.unit.did.1")
            .body(typed::<types::CreateDiscoverySessionRequest>(json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": id, "skillStage": "live" } } })))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
        let session_id = created.into_inner().id.to_string();
        assert_eq!(session_status(&regional, &session_id).await, 200);
        sessions.push((region, session_id));
    }
    let eu = client(&format!("{}/eu", sim.url()), &token);
    assert_eq!(session_status(&eu, &sessions[2].1).await, 404);
    let bad_reporter = eu
        .create_discovery_session()
        .unit("u")
        .body(typed::<types::CreateDiscoverySessionRequest>(json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": "amzn1.ask.skill.none" } } })))
        .send()
        .await;
    assert_eq!(status(&bad_reporter), 404);
    let eu_stranger = client(&format!("{}/eu", sim.url()), "Atza|nope");
    assert_eq!(session_status(&eu_stranger, &sessions[1].1).await, 401);

    // Auth failures, faults with error bodies, then delete.
    assert_eq!(skill_status(&stranger, &id).await, 401);
    assert_eq!(skill_status(&other, &id).await, 403);
    sim.fail_next("getSkillStatus", 1, Fault::Unavailable)
        .unwrap();
    sim.fail_next(
        "getSkillStatus",
        1,
        Fault::TooManyRequests {
            retry_after_secs: 1,
        },
    )
    .unwrap();
    sim.fail_next("getSkillStatus", 1, Fault::InternalError)
        .unwrap();
    sim.fail_next("getDiscoverySession", 1, Fault::Unavailable)
        .unwrap();
    for expected in [503, 429, 500] {
        assert_eq!(skill_status(&api, &id).await, expected);
    }
    assert_eq!(session_status(&eu, &sessions[1].1).await, 503);
    assert_eq!(
        status(&api.delete_skill().skill_id(id.as_str()).send().await),
        204
    );
    assert_eq!(
        status(&api.delete_skill().skill_id(id.as_str()).send().await),
        404
    );
    assert_eq!(manifest_status(&api, &id, "development").await, 404);

    // Every response the simulator sent, checked against the spec.
    let checker = SpecChecker::load();
    let exchanges = sim.take_exchanges();
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for ex in exchanges
        .iter()
        .filter(|e| e.operation != "presignedSchema")
    {
        covered.insert(ex.operation.clone());
        statuses.insert(ex.status);
        if let Err(problem) = checker.check(ex) {
            failures.push(format!(
                "{} {} -> {} ({}): {problem}",
                ex.method, ex.path, ex.status, ex.operation
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "responses that do not match the spec:\n{}",
        failures.join("\n")
    );
    let expected: BTreeSet<String> = checker.operation_ids().into_iter().collect();
    assert_eq!(
        covered, expected,
        "every operation of the spec was exercised"
    );
    for s in [
        200, 201, 202, 204, 400, 401, 403, 404, 409, 412, 429, 500, 503,
    ] {
        assert!(statuses.contains(&s), "status {s} never validated");
    }
    println!(
        "validated {} responses against openapi/smapi.yaml",
        exchanges.len()
    );
}

#[tokio::test]
async fn the_checker_rejects_what_the_spec_forbids() {
    // Guard against a checker that accepts anything.
    let checker = SpecChecker::load();
    let base = alexa_smapi_sim::Exchange {
        operation: "getSkillPublication".into(),
        method: "GET".into(),
        path: "/v1/skills/x/publications/~latest".into(),
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: br#"{"status":"SUCCEEDED","publishesAtDate":"2019-11-01T02:03:07.023Z"}"#.to_vec(),
        fault: None,
    };
    checker.check(&base).unwrap();
    let undeclared = alexa_smapi_sim::Exchange {
        status: 418,
        ..base.clone()
    };
    assert!(checker.check(&undeclared).is_err());
    let wrong_type = alexa_smapi_sim::Exchange {
        body: br#"{"status": 5}"#.to_vec(),
        ..base.clone()
    };
    assert!(checker.check(&wrong_type).is_err());
    let bad_date = alexa_smapi_sim::Exchange {
        body: br#"{"publishesAtDate": "tuesday"}"#.to_vec(),
        ..base.clone()
    };
    assert!(checker.check(&bad_date).is_err());
    let not_json = alexa_smapi_sim::Exchange {
        body: b"{".to_vec(),
        ..base.clone()
    };
    assert!(checker.check(&not_json).is_err());
    let missing_location = alexa_smapi_sim::Exchange {
        operation: "createSkillForVendor".into(),
        status: 202,
        body: br#"{"skillId":"amzn1.ask.skill.1"}"#.to_vec(),
        ..base.clone()
    };
    assert!(
        checker
            .check(&missing_location)
            .unwrap_err()
            .contains("Location")
    );
    let discovery_error_in_smapi_shape = alexa_smapi_sim::Exchange {
        operation: "getDiscoverySession".into(),
        status: 404,
        body: br#"{"code":"NOT_FOUND","message":"x"}"#.to_vec(),
        ..base
    };
    assert!(checker.check(&discovery_error_in_smapi_shape).is_err());
}

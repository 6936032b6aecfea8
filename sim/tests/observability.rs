//! Counters, admin endpoints, reset and the exchange recorder.

mod common;

use common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn counters_by_operation_and_admin_endpoints() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_skill(VENDOR, manifest("Counted")).await;
    for _ in 0..3 {
        api.get_response(&manifest_path(&id, "development")).await;
    }
    api.get_response(&format!("/v1/skills/{id}/status")).await;
    api.get("/v1/skills/nope/status")
        .header("authorization", "Bearer bad")
        .send()
        .await
        .unwrap();

    let counters = sim.counters();
    assert_eq!(counters.operation("createSkillForVendor"), 1);
    assert_eq!(counters.operation("getSkillManifest"), 3);
    assert_eq!(
        counters.operation("getSkillStatus"),
        2,
        "rejected requests count too"
    );
    assert_eq!(counters.requests_total, 6);
    assert_eq!(counters.tokens_issued, 1);
    assert_eq!(counters.by_operation.len(), 14, "every operation listed");

    let http = reqwest::Client::new();
    let admin = fetch_json(http.get(format!("{}/_sim/counters", sim.url()))).await;
    assert_eq!(admin["byOperation"]["getSkillManifest"], 3);
    assert_eq!(admin["requestsTotal"], 6);
    assert_eq!(
        sim.counters().requests_total,
        6,
        "admin calls are not counted"
    );

    let reset = http
        .post(format!("{}/_sim/reset", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(sim.counters().requests_total, 0);
    let gone = api.get_status(&format!("/v1/skills/{id}/status")).await;
    assert_eq!(
        gone,
        StatusCode::NOT_FOUND,
        "skills cleared, token still valid"
    );

    let health = fetch_json(http.get(format!("{}/_sim/health", sim.url()))).await;
    assert_eq!(health["status"], "ok");
    let unknown = http
        .get(format!("{}/v2/whatever", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    api.create_skill(VENDOR, manifest("again")).await;
    sim.reset();
    let list = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(list["skills"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn recorder_keeps_what_was_sent() {
    let sim = builder().record_exchanges(true).start().await.unwrap();
    let api = Api::new(&sim, VENDOR);
    let id = api.create_skill(VENDOR, manifest("Recorded")).await;
    let get = api.get_response(&manifest_path(&id, "development")).await;
    let etag = get.headers()["etag"].to_str().unwrap().to_owned();
    let sent = get.bytes().await.unwrap();
    api.get(&format!("/v1/skills/{id}/status"))
        .header("x-sim-fault", "malformed")
        .send()
        .await
        .unwrap();
    api.delete(&format!("/eu/v1/skills/{id}/"))
        .send()
        .await
        .unwrap();

    let exchanges = sim.take_exchanges();
    let ops: Vec<&str> = exchanges.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "createSkillForVendor",
            "getSkillManifest",
            "getSkillStatus",
            "deleteSkill"
        ]
    );
    let create = &exchanges[0];
    assert_eq!(
        (create.method.as_str(), create.path.as_str(), create.status),
        ("POST", "/v1/skills", 202)
    );
    assert_eq!(
        create.header("Location").unwrap(),
        format!("/v1/skills/{id}/status?resource=manifest")
    );
    assert_eq!(create.body_json().unwrap()["skillId"], id.as_str());
    let manifest_exchange = &exchanges[1];
    assert_eq!(manifest_exchange.header("etag"), Some(etag.as_str()));
    assert_eq!(manifest_exchange.body, sent.to_vec(), "exact bytes");
    assert_eq!(exchanges[2].fault.as_deref(), Some("malformed"));
    assert!(exchanges[2].body_json().is_none());
    assert_eq!(
        exchanges[3].path,
        format!("/eu/v1/skills/{id}/"),
        "path as received"
    );
    assert_eq!(exchanges[3].status, 204);
    assert!(sim.exchanges().is_empty(), "take clears");

    sim.set_recording(false);
    api.get_response(&format!("/v1/skills?vendorId={VENDOR}"))
        .await;
    assert!(sim.exchanges().is_empty());
}

//! Discovery Session page over real HTTP, in all three regions.

mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn reporter(skill_id: &str) -> Value {
    json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": skill_id, "skillStage": "live" } } })
}

#[tokio::test]
async fn sessions_live_in_the_region_that_created_them() {
    let sim = start_with(|b| b.discovery_delay(Duration::from_millis(300))).await;
    let api = Api::new(&sim, VENDOR);
    let skill = api.create_skill(VENDOR, manifest("Home")).await;

    let mut ids = Vec::new();
    for prefix in ["", "/na", "/eu", "/fe"] {
        let resp = api
            .post(&format!(
                "{prefix}/v1/discoverySessions?unit=amzn1.alexa.unit.did.X"
            ))
            .json(&reporter(&skill))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "{prefix}");
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let body: Value = resp.json().await.unwrap();
        let id = body["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("amzn1.alexa.discoverySession."), "{id}");
        assert_eq!(location, format!("{prefix}/v1/discoverySessions/{id}"));
        // Following Location works in the same region, and starts IN_PROGRESS.
        let status = api.get_json(&location).await;
        assert_eq!(status, json!({ "status": { "value": "IN_PROGRESS" } }));
        ids.push((prefix, id));
    }

    // Unprefixed is NA, so "" and "/na" see each other's sessions; EU and FE are separate.
    let visible = |creator: &str, reader: &str| {
        let region = |p: &str| if p.is_empty() { "/na" } else { p }.to_owned();
        region(creator) == region(reader)
    };
    for (creator, id) in &ids {
        for reader in ["", "/na", "/eu", "/fe"] {
            let resp = api
                .get_response(&format!("{reader}/v1/discoverySessions/{id}"))
                .await;
            if visible(creator, reader) {
                assert_eq!(resp.status(), StatusCode::OK, "{creator} -> {reader}");
            } else {
                assert_discovery_error(resp, StatusCode::NOT_FOUND, "NOT_FOUND", id).await;
            }
        }
    }

    // The Host header selects the region when there is no prefix.
    let (_, eu_id) = &ids[2];
    let (_, fe_id) = &ids[3];
    let by_host = |host: &'static str, id: &str| {
        api.get(&format!("/v1/discoverySessions/{id}"))
            .header("host", host)
            .send()
    };
    assert_eq!(
        by_host("api.eu.amazonalexa.com", eu_id)
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        by_host("api.fe.amazonalexa.com", fe_id)
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        by_host("api.amazonalexa.com", eu_id)
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        by_host("api.fe.amazonalexa.com", eu_id)
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let created = api
        .post("/v1/discoverySessions?unit=u")
        .header("host", "api.eu.amazonalexa.com")
        .json(&reporter(&skill))
        .send()
        .await
        .unwrap();
    let host_id: Value = created.json().await.unwrap();
    let host_id = host_id["id"].as_str().unwrap();
    assert_eq!(
        api.get_status(&format!("/eu/v1/discoverySessions/{host_id}"))
            .await,
        StatusCode::OK
    );

    tokio::time::sleep(Duration::from_millis(350)).await;
    let done = api
        .get_json(&format!("/eu/v1/discoverySessions/{eu_id}"))
        .await;
    assert_eq!(done["status"]["value"], "SUCCEEDED");
    assert_eq!(sim.counters().operation("createDiscoverySession"), 5);
}

#[tokio::test]
async fn errors_use_the_type_message_shape() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let other = Api::new(&sim, OTHER_VENDOR);
    let skill = api.create_skill(VENDOR, manifest("Home")).await;
    let url = "/eu/v1/discoverySessions?unit=u1";
    let bad_bodies = vec![
        (json!({}), "endpointReporter"),
        (
            json!({ "endpointReporter": { "value": { "skillId": skill } } }),
            "endpointReporter.type",
        ),
        (
            json!({ "endpointReporter": { "type": "DEVICE", "value": { "skillId": skill } } }),
            "endpointReporter.type",
        ),
        (
            json!({ "endpointReporter": { "type": "SKILL" } }),
            "endpointReporter.value",
        ),
        (
            json!({ "endpointReporter": { "type": "SKILL", "value": {} } }),
            "endpointReporter.value.skillId",
        ),
        (
            json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": "x".repeat(256) } } }),
            "skillId",
        ),
        (
            json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": skill, "skillStage": "beta" } } }),
            "skillStage",
        ),
    ];
    for (body, field) in bad_bodies {
        let resp = api.post(url).json(&body).send().await.unwrap();
        assert_discovery_error(resp, StatusCode::BAD_REQUEST, "BAD_REQUEST", field).await;
    }
    let no_unit = api
        .post("/eu/v1/discoverySessions")
        .json(&reporter(&skill))
        .send()
        .await
        .unwrap();
    assert_discovery_error(no_unit, StatusCode::BAD_REQUEST, "BAD_REQUEST", "unit").await;
    let malformed = api
        .post(url)
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_discovery_error(malformed, StatusCode::BAD_REQUEST, "BAD_REQUEST", "request").await;

    let unknown_skill = api
        .post(url)
        .json(&reporter("amzn1.ask.skill.none"))
        .send()
        .await
        .unwrap();
    assert_discovery_error(
        unknown_skill,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "amzn1.ask.skill.none",
    )
    .await;
    let foreign = other
        .post(url)
        .json(&reporter(&skill))
        .send()
        .await
        .unwrap();
    assert_discovery_error(foreign, StatusCode::FORBIDDEN, "FORBIDDEN", "vendor").await;

    let unauthenticated = reqwest::Client::new()
        .post(format!("{}{url}", sim.url()))
        .json(&reporter(&skill))
        .send()
        .await
        .unwrap();
    assert_discovery_error(
        unauthenticated,
        StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED",
        "Authorization",
    )
    .await;

    let created = fetch_json(api.post(url).json(&reporter(&skill))).await;
    let id = created["id"].as_str().unwrap();
    let theirs = other
        .get_response(&format!("/eu/v1/discoverySessions/{id}"))
        .await;
    assert_discovery_error(theirs, StatusCode::FORBIDDEN, "FORBIDDEN", "vendor").await;
    let missing = api
        .get_response("/fe/v1/discoverySessions/amzn1.alexa.discoverySession.none")
        .await;
    assert_discovery_error(missing, StatusCode::NOT_FOUND, "NOT_FOUND", "FE").await;

    // Injected faults keep the discovery shape too.
    let fault = api
        .get(&format!("/eu/v1/discoverySessions/{id}"))
        .header("x-sim-fault", "503")
        .send()
        .await
        .unwrap();
    assert_discovery_error(
        fault,
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "",
    )
    .await;
}

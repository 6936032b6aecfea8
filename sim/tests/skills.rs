//! Skill Operations page over real HTTP: create, build, manifest/ETag, status, list, delete.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn create_builds_asynchronously_then_succeeds() {
    let sim = start_with(|b| b.build_delay(Duration::from_millis(300))).await;
    let api = Api::new(&sim, VENDOR);
    let resp = api
        .post("/v1/skills")
        .json(&json!({ "vendorId": VENDOR, "manifest": manifest("Sample") }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    let id = body["skillId"].as_str().unwrap();
    assert!(id.starts_with("amzn1.ask.skill."), "{id}");
    assert_eq!(
        location,
        format!("/v1/skills/{id}/status?resource=manifest")
    );

    let status = api.get_json(&location).await;
    assert_eq!(
        status["manifest"]["lastUpdateRequest"]["status"],
        "IN_PROGRESS"
    );
    assert!(
        status.get("interactionModel").is_none(),
        "filtered to manifest: {status}"
    );

    let done = api.wait_build(id).await;
    assert_eq!(done["manifest"]["lastUpdateRequest"]["status"], "SUCCEEDED");
    assert!(
        done["manifest"]["lastUpdateRequest"]
            .get("errors")
            .is_none()
    );

    // The status eTag is the bare form of the manifest's ETag header.
    let get = api.get_response(&manifest_path(id, "development")).await;
    let etag = get.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", done["manifest"]["eTag"].as_str().unwrap())
    );
}

#[tokio::test]
async fn invalid_manifest_build_fails_with_messages() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let mut bad = manifest("Xy");
    bad["publishingInformation"]["locales"]["de-DE"] = json!({ "summary": "no name" });
    bad.as_object_mut().unwrap().remove("manifestVersion");
    let id = api.create_skill(VENDOR, bad).await;
    let status = api.wait_build(&id).await;
    let last = &status["manifest"]["lastUpdateRequest"];
    assert_eq!(last["status"], "FAILED");
    let messages: Vec<&str> = last["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("manifestVersion")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("locales.de-DE.name")),
        "{messages:?}"
    );
}

#[tokio::test]
async fn manifest_round_trip_with_etags_and_conflicts() {
    let sim = start_with(|b| b.build_delay(Duration::from_millis(300))).await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_skill(VENDOR, manifest("First")).await;
    let path = manifest_path(&id, "development");

    // While the create build runs, an update is a conflict.
    let busy = api.put_manifest(&path, &manifest("Too early")).await;
    assert_error(busy, StatusCode::CONFLICT, "in progress").await;
    api.wait_build(&id).await;

    let get = api.get_response(&path).await;
    assert_eq!(get.status(), StatusCode::OK);
    let etag1 = get.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag1.starts_with('"') && etag1.ends_with('"'),
        "strong quoted ETag: {etag1}"
    );
    let body: Value = get.json().await.unwrap();
    // Unknown fields are kept verbatim.
    assert_eq!(
        body["manifest"]["permissions"][0]["name"],
        "alexa::devices:all:address:full:read"
    );
    assert_eq!(body["manifest"], manifest("First"));

    // Mismatched If-Match: 412, nothing changes.
    let stale = api
        .put_manifest_if_match(&path, "\"not-the-etag\"", &manifest("Lost"))
        .await;
    assert_error(stale, StatusCode::PRECONDITION_FAILED, "If-Match").await;

    // Matching If-Match: 202 with the status Location, no body; unknown fields survive.
    let mut second = manifest("Second");
    second["x-custom"] = json!({ "nested": [1, 2, 3] });
    let ok = api.put_manifest_if_match(&path, &etag1, &second).await;
    assert_eq!(ok.status(), StatusCode::ACCEPTED);
    assert_eq!(
        ok.headers()["location"],
        format!("/v1/skills/{id}/status?resource=manifest").as_str()
    );
    assert!(ok.bytes().await.unwrap().is_empty());
    api.wait_build(&id).await;

    let get = api.get_response(&path).await;
    let etag2 = get.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(etag1, etag2, "ETag changes on every update");
    let body: Value = get.json().await.unwrap();
    assert_eq!(body["manifest"], second);

    // The old ETag is now stale; the same content written again still gets a new ETag.
    let again = api.put_manifest_if_match(&path, &etag1, &second).await;
    assert_eq!(again.status(), StatusCode::PRECONDITION_FAILED);
    let same = api.put_manifest_if_match(&path, &etag2, &second).await;
    assert_eq!(same.status(), StatusCode::ACCEPTED);
    api.wait_build(&id).await;
    let etag3 = api.get_response(&path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(etag2, etag3);

    // No If-Match at all is accepted (the header is optional).
    let blind = api.put_manifest(&path, &manifest("Blind")).await;
    assert_eq!(blind.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn stage_rules_and_unknown_skills() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Sk")).await;

    let live = api.get_response(&manifest_path(&id, "live")).await;
    assert_error(live, StatusCode::NOT_FOUND, "live").await;

    let bad_stage = api.get_response(&manifest_path(&id, "Development")).await;
    assert_error(bad_stage, StatusCode::BAD_REQUEST, "stage").await;

    let put_live = api
        .put_manifest(&manifest_path(&id, "live"), &manifest("Xy"))
        .await;
    assert_error(put_live, StatusCode::BAD_REQUEST, "stage").await;

    let unknown = api
        .get_response("/v1/skills/amzn1.ask.skill.nope/stages/development/manifest")
        .await;
    assert_error(unknown, StatusCode::NOT_FOUND, "amzn1.ask.skill.nope").await;

    let long = "a".repeat(256);
    for path in [
        format!("/v1/skills/{long}/stages/development/manifest"),
        format!("/v1/skills/{long}/status"),
        format!("/v1/skills/{long}/publications/~latest"),
    ] {
        let resp = api.get_response(&path).await;
        let body = assert_error(resp, StatusCode::BAD_REQUEST, "skillId").await;
        assert_eq!(body["code"], "INVALID_STRING_LENGTH");
        assert!(body["violations"][0]["message"].is_string(), "{body}");
    }
    let ok_255 = api
        .get_status(&format!("/v1/skills/{}/status", "a".repeat(255)))
        .await;
    assert_eq!(
        ok_255,
        StatusCode::NOT_FOUND,
        "255 characters is a valid length"
    );
}

#[tokio::test]
async fn bad_bodies_name_the_field() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("{not json", "INVALID_JSON", "request"),
        ("", "MISSING_PARAMETER", "request"),
        ("[1,2]", "INVALID_DATA_TYPE", "request"),
        (r#"{"manifest": {}}"#, "MISSING_PARAMETER", "vendorId"),
        (
            r#"{"vendorId": "", "manifest": {}}"#,
            "INVALID_STRING_LENGTH",
            "vendorId",
        ),
        (
            r#"{"vendorId": 7, "manifest": {}}"#,
            "INVALID_DATA_TYPE",
            "vendorId",
        ),
        (
            r#"{"vendorId": "M1SIMVENDOR0001"}"#,
            "MISSING_PARAMETER",
            "manifest",
        ),
        (
            r#"{"vendorId": "M1SIMVENDOR0001", "manifest": "x"}"#,
            "INVALID_DATA_TYPE",
            "manifest",
        ),
    ];
    for (body, code, field) in cases {
        let resp = api
            .post("/v1/skills")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let err = assert_error(resp, StatusCode::BAD_REQUEST, field).await;
        assert_eq!(err["code"], code, "{body}");
    }
    let id = api.create_skill(VENDOR, manifest("Sk")).await;
    let path = manifest_path(&id, "development");
    let no_envelope = api.put(&path).json(&manifest("bare")).send().await.unwrap();
    assert_error(no_envelope, StatusCode::BAD_REQUEST, "manifest").await;
    let broken = api
        .put(&path)
        .header("content-type", "application/json")
        .body("{\"manifest\":")
        .send()
        .await
        .unwrap();
    assert_error(broken, StatusCode::BAD_REQUEST, "request").await;
}

#[tokio::test]
async fn status_resource_filter() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let mut m = manifest("Multi");
    m["publishingInformation"]["locales"]["en-GB"] = json!({ "name": "Multi GB" });
    let id = api.create_built_skill(VENDOR, m).await;

    let all = api.get_json(&format!("/v1/skills/{id}/status")).await;
    assert!(all["manifest"].is_object());
    let models = all["interactionModel"].as_object().unwrap();
    assert_eq!(models.keys().collect::<Vec<_>>(), ["en-GB", "en-US"]);
    assert_eq!(models["en-US"]["lastUpdateRequest"]["status"], "SUCCEEDED");

    let model_only = api
        .get_json(&format!("/v1/skills/{id}/status?resource=interactionModel"))
        .await;
    assert!(model_only.get("manifest").is_none());
    assert!(model_only["interactionModel"].is_object());

    let both = api
        .get_json(&format!(
            "/v1/skills/{id}/status?resource=manifest&resource=interactionModel"
        ))
        .await;
    assert!(both["manifest"].is_object() && both["interactionModel"].is_object());

    let bad = api
        .get_response(&format!("/v1/skills/{id}/status?resource=skill"))
        .await;
    let body = assert_error(bad, StatusCode::BAD_REQUEST, "resource").await;
    assert_eq!(body["code"], "INVALID_ENUM_VALUE");
}

#[tokio::test]
async fn list_paginates_with_opaque_tokens() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let other = Api::new(&sim, OTHER_VENDOR);
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(
            api.create_skill(VENDOR, manifest(&format!("Skill {i}")))
                .await,
        );
    }
    other.create_skill(OTHER_VENDOR, manifest("Not mine")).await;

    let mut seen = Vec::new();
    let mut url = format!("/v1/skills?vendorId={VENDOR}&maxResults=3");
    let mut pages = 0;
    loop {
        let resp = api.get_response(&url).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/json+hal");
        let body: Value = resp.json().await.unwrap();
        pages += 1;
        let skills = body["skills"].as_array().unwrap();
        assert!(skills.len() <= 3);
        for s in skills {
            assert_eq!(s["stage"], "development");
            assert_eq!(s["publicationStatus"], "DEVELOPMENT");
            assert_eq!(s["apis"], json!(["custom"]));
            assert!(
                s["nameByLocale"]["en-US"]
                    .as_str()
                    .unwrap()
                    .starts_with("Skill ")
            );
            let id = s["skillId"].as_str().unwrap();
            assert_eq!(
                s["_links"]["self"]["href"],
                manifest_path(id, "development")
            );
            chrono::DateTime::parse_from_rfc3339(s["lastUpdated"].as_str().unwrap()).unwrap();
            seen.push(id.to_owned());
        }
        assert_eq!(body["_links"]["self"]["href"], url.as_str());
        if body["isTruncated"] == true {
            let token = body["nextToken"].as_str().unwrap();
            let next = body["_links"]["next"]["href"].as_str().unwrap();
            assert!(next.contains("nextToken="), "{next}");
            // Follow the HAL link exactly as given.
            url = next.to_owned();
            assert!(!token.is_empty());
        } else {
            assert!(body.get("nextToken").is_none());
            assert!(body["_links"].get("next").is_none());
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen, created,
        "every skill once, in creation order, none of the other vendor's"
    );

    // Default page size is 10: all seven at once.
    let all = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(all["skills"].as_array().unwrap().len(), 7);
    assert_eq!(all["isTruncated"], false);

    // skillId filter: only those, no pagination.
    let filter_url = format!(
        "/v1/skills?vendorId={VENDOR}&skillId={}&skillId={}&skillId=amzn1.ask.skill.unknown",
        created[1], created[4]
    );
    let filtered = api.get_json(&filter_url).await;
    let ids: BTreeSet<&str> = filtered["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skillId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([created[1].as_str(), created[4].as_str()])
    );
}

#[tokio::test]
async fn list_parameter_rules() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_skill(VENDOR, manifest("Sk")).await;
    let eleven: String = (0..11).map(|i| format!("&skillId=s{i}")).collect();
    let cases = vec![
        ("/v1/skills".to_owned(), "vendorId"),
        ("/v1/skills?vendorId=".to_owned(), "vendorId"),
        (
            format!("/v1/skills?vendorId={VENDOR}&maxResults=0"),
            "maxResults",
        ),
        (
            format!("/v1/skills?vendorId={VENDOR}&maxResults=51"),
            "maxResults",
        ),
        (
            format!("/v1/skills?vendorId={VENDOR}&maxResults=ten"),
            "maxResults",
        ),
        (
            format!("/v1/skills?vendorId={VENDOR}&nextToken=garbage"),
            "nextToken",
        ),
        (
            format!(
                "/v1/skills?vendorId={VENDOR}&nextToken=MzA6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA"
            ),
            "nextToken",
        ),
        (format!("/v1/skills?vendorId={VENDOR}{eleven}"), "skillId"),
        (
            format!("/v1/skills?vendorId={VENDOR}&skillId={id}&maxResults=5"),
            "skillId",
        ),
        (
            format!("/v1/skills?vendorId={VENDOR}&skillId={id}&nextToken=abc"),
            "skillId",
        ),
        (
            format!("/v1/skills?vendorId={VENDOR}&skillId={}", "x".repeat(256)),
            "skillId",
        ),
    ];
    for (url, field) in cases {
        let resp = api.get_response(&url).await;
        assert_error(resp, StatusCode::BAD_REQUEST, field).await;
    }
    for ok in [1, 50] {
        let status = api
            .get_status(&format!("/v1/skills?vendorId={VENDOR}&maxResults={ok}"))
            .await;
        assert_eq!(status, StatusCode::OK, "maxResults={ok}");
    }
    // A token issued for one vendor is garbage for another.
    for i in 0..2 {
        api.create_skill(VENDOR, manifest(&format!("more {i}")))
            .await;
    }
    let page = api
        .get_json(&format!("/v1/skills?vendorId={VENDOR}&maxResults=1"))
        .await;
    let token = page["nextToken"].as_str().unwrap();
    let other = Api::new(&sim, OTHER_VENDOR);
    let resp = other
        .get_response(&format!(
            "/v1/skills?vendorId={OTHER_VENDOR}&nextToken={token}"
        ))
        .await;
    assert_error(resp, StatusCode::BAD_REQUEST, "nextToken").await;
}

#[tokio::test]
async fn delete_then_gone() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    for form in ["", "/"] {
        let id = api.create_skill(VENDOR, manifest("Doomed")).await;
        let resp = api
            .delete(&format!("/v1/skills/{id}{form}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        assert!(resp.bytes().await.unwrap().is_empty());
        let again = api
            .delete(&format!("/v1/skills/{id}{form}"))
            .send()
            .await
            .unwrap();
        assert_error(again, StatusCode::NOT_FOUND, &id).await;
        let get = api.get_status(&manifest_path(&id, "development")).await;
        assert_eq!(get, StatusCode::NOT_FOUND);
        let status = api.get_status(&format!("/v1/skills/{id}/status")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let list = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(list["skills"], json!([]));
    assert_eq!(sim.counters().operation("deleteSkill"), 4);
}

#[tokio::test]
async fn list_names_only_the_api_kinds_the_spec_knows_and_the_manifest_keeps_the_rest() {
    // Schemathesis (tools/conformance.sh) created skills whose `apis` had keys the spec's
    // `SkillApiKind` does not list ("" among them); the listing echoed them and broke its own
    // schema. Unknown keys stay in the manifest; the listing names the known kinds.
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let mut m = manifest("Open apis");
    m["apis"][""] = json!({});
    m["apis"]["quantumWidget"] = json!({ "endpoint": { "uri": "https://example.com" } });
    m["apis"]["knowledge"] = json!({});
    let id = api.create_skill(VENDOR, m.clone()).await;

    let listing = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    let row = &listing["skills"][0];
    assert_eq!(row["skillId"], id.as_str());
    assert_eq!(row["apis"], json!(["custom", "knowledge"]));

    let stored = api.get_json(&manifest_path(&id, "development")).await;
    assert_eq!(stored["manifest"]["apis"], m["apis"]);
}

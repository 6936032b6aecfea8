//! Skill Publishing page over real HTTP.

mod common;

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn publish_now_goes_live() {
    let sim = start_with(|b| b.publication_delay(Duration::from_millis(300))).await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Pub")).await;
    let latest = format!("/v1/skills/{id}/publications/~latest");

    let none = api.get_response(&latest).await;
    assert_error(none, StatusCode::NOT_FOUND, "publication").await;

    let before = Utc::now();
    let resp = api.publish(&id).await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    assert!(resp.bytes().await.unwrap().is_empty());

    let body = api.get_json(&latest).await;
    assert_eq!(body["status"], "IN_PROGRESS");
    let at = DateTime::parse_from_rfc3339(body["publishesAtDate"].as_str().unwrap()).unwrap();
    assert!(at >= before - chrono::TimeDelta::seconds(1));
    // Not live yet.
    let live = api.get_status(&manifest_path(&id, "live")).await;
    assert_eq!(live, StatusCode::NOT_FOUND);
    let dev_row = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(dev_row["skills"][0]["publicationStatus"], "CERTIFICATION");

    api.wait_publication(&id, "SUCCEEDED").await;
    let live = api.get_response(&manifest_path(&id, "live")).await;
    assert_eq!(live.status(), StatusCode::OK);
    assert!(live.headers().contains_key("etag"));
    let body: Value = live.json().await.unwrap();
    assert_eq!(body["manifest"], manifest("Pub"));

    // The listing now has a development row and a live row.
    let list = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    let rows = list["skills"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["stage"], "development");
    assert_eq!(rows[0]["publicationStatus"], "DEVELOPMENT");
    assert_eq!(rows[1]["stage"], "live");
    assert_eq!(rows[1]["publicationStatus"], "PUBLISHED");
    assert_eq!(
        rows[1]["_links"]["self"]["href"],
        manifest_path(&id, "live")
    );

    // Later development changes do not touch live.
    let path = manifest_path(&id, "development");
    let put = api.put_manifest(&path, &manifest("Pub v2")).await;
    assert_eq!(put.status(), StatusCode::ACCEPTED);
    api.wait_build(&id).await;
    let live = api.get_json(&manifest_path(&id, "live")).await;
    assert_eq!(
        live["manifest"]["publishingInformation"]["locales"]["en-US"]["name"],
        "Pub"
    );
}

#[tokio::test]
async fn scheduled_publication_and_date_rules() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Later")).await;
    let submit = format!("/v1/skills/{id}/publications");
    let latest = format!("/v1/skills/{id}/publications/~latest");

    let in_a_month = (Utc::now() + chrono::TimeDelta::days(30))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let resp = api
        .post(&submit)
        .json(&json!({ "publishesAtDate": in_a_month }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let body = api.get_json(&latest).await;
    assert_eq!(body["status"], "SCHEDULED");
    assert_eq!(body["publishesAtDate"], in_a_month.as_str());
    let live = api.get_status(&manifest_path(&id, "live")).await;
    assert_eq!(live, StatusCode::NOT_FOUND);

    // A date that passes while we wait: SCHEDULED, then SUCCEEDED.
    let soon = (Utc::now() + chrono::TimeDelta::milliseconds(1200))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    api.post(&submit)
        .json(&json!({ "publishesAtDate": soon }))
        .send()
        .await
        .unwrap();
    let body = api.get_json(&latest).await;
    assert_eq!(body["status"], "SCHEDULED");
    api.wait_publication(&id, "SUCCEEDED").await;

    // A past date counts as now.
    let past = api
        .post(&submit)
        .json(&json!({ "publishesAtDate": "2019-11-01T00:38:29.708Z" }))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), StatusCode::ACCEPTED);
    let body = api.get_json(&latest).await;
    assert_ne!(body["status"], "SCHEDULED");

    let too_far =
        Utc::now().checked_add_months(Months::new(6)).unwrap() + chrono::TimeDelta::days(2);
    let cases = vec![
        json!({ "publishesAtDate": too_far.to_rfc3339() }),
        json!({ "publishesAtDate": "next tuesday" }),
        json!({ "publishesAtDate": "2030-13-01T00:00:00Z" }),
        json!({ "publishesAtDate": 1700000000 }),
    ];
    for body in cases {
        let resp = api.post(&submit).json(&body).send().await.unwrap();
        assert_error(resp, StatusCode::BAD_REQUEST, "publishesAtDate").await;
    }
    let broken = api
        .post(&submit)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_error(broken, StatusCode::BAD_REQUEST, "request").await;
    let empty_object = api.post(&submit).json(&json!({})).send().await.unwrap();
    assert_eq!(empty_object.status(), StatusCode::ACCEPTED);

    let unknown = api.publish("amzn1.ask.skill.none").await;
    assert_error(unknown, StatusCode::NOT_FOUND, "amzn1.ask.skill.none").await;
}

#[tokio::test]
async fn publish_body_allows_only_publishes_at_date() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Strict")).await;
    let submit = format!("/v1/skills/{id}/publications");
    let latest = format!("/v1/skills/{id}/publications/~latest");
    let in_a_month = (Utc::now() + chrono::TimeDelta::days(30)).to_rfc3339();

    // The page example's spelling is not a field the service knows: rejected by name, never
    // taken as "publish now".
    for (body, field) in [
        (json!({ "publishesAt": in_a_month }), "publishesAt"),
        (
            json!({ "publishesAtDate": in_a_month, "when": "now" }),
            "when",
        ),
        (json!({ "publishesAtDate": null }), "publishesAtDate"),
    ] {
        let resp = api.post(&submit).json(&body).send().await.unwrap();
        let error = assert_error(resp, StatusCode::BAD_REQUEST, field).await;
        assert!(
            error["violations"]
                .as_array()
                .is_some_and(|v| !v.is_empty()),
            "{error}"
        );
    }
    assert_eq!(api.get_status(&latest).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn certified_stage_is_the_submitted_version_and_never_updatable() {
    let sim = start_with(|b| b.publication_delay(Duration::from_millis(300))).await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Cert")).await;
    let certified = manifest_path(&id, "certified");

    let before = api.get_response(&certified).await;
    assert_error(before, StatusCode::NOT_FOUND, "certified").await;

    let in_a_month = (Utc::now() + chrono::TimeDelta::days(30)).to_rfc3339();
    let resp = api
        .post(&format!("/v1/skills/{id}/publications"))
        .json(&json!({ "publishesAtDate": in_a_month }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    // Development moves on; certified keeps the submitted version.
    let put = api
        .put_manifest(&manifest_path(&id, "development"), &manifest("Cert v2"))
        .await;
    assert_eq!(put.status(), StatusCode::ACCEPTED);
    let read = api.get_response(&certified).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert!(read.headers().contains_key("etag"));
    let body: Value = read.json().await.unwrap();
    assert_eq!(body["manifest"], manifest("Cert"));

    let update = api.put_manifest(&certified, &manifest("Nope")).await;
    assert_error(update, StatusCode::BAD_REQUEST, "stage").await;
}

#[tokio::test]
async fn publication_of_a_failed_build_fails() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api
        .create_built_skill(VENDOR, json!({ "publishingInformation": {} }))
        .await;
    api.publish(&id).await;
    api.wait_publication(&id, "FAILED").await;
    let live = api.get_status(&manifest_path(&id, "live")).await;
    assert_eq!(live, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unpublish_rules() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Gone")).await;
    let path = format!("/v1/skills/{id}/unpublish");

    let early = api
        .post(&path)
        .json(&json!({ "type": "HIDE", "reason": "Other" }))
        .send()
        .await
        .unwrap();
    assert_error(early, StatusCode::NOT_FOUND, "live").await;

    api.publish(&id).await;
    api.wait_publication(&id, "SUCCEEDED").await;

    let bad = vec![
        (json!({ "type": "DELETE", "reason": "Other" }), "type"),
        (json!({ "type": "hide", "reason": "Other" }), "type"),
        (json!({ "reason": "Other" }), "type"),
        (json!({ "type": "HIDE", "reason": "Bored" }), "reason"),
        (json!({ "type": "HIDE", "reason": "other" }), "reason"),
        (json!({ "type": "HIDE" }), "reason"),
        (json!({ "type": "HIDE", "reason": 5 }), "reason"),
    ];
    for (body, field) in bad {
        let resp = api.post(&path).json(&body).send().await.unwrap();
        assert_error(resp, StatusCode::BAD_REQUEST, field).await;
    }
    let lang = api
        .post(&path)
        .header("accept-language", "fr-FR")
        .json(&json!({ "type": "HIDE", "reason": "Other" }))
        .send()
        .await
        .unwrap();
    assert_error(lang, StatusCode::BAD_REQUEST, "Accept-Language").await;

    for reason in [
        "Changing invocation name",
        "Published by mistake",
        "It takes time to maintain my skill",
        "My infrastructure costs are too high",
        "Technical issues",
        "Other",
    ] {
        let resp = api
            .post(&path)
            .header("accept-language", "ja-JP")
            .json(&json!({ "type": "HIDE", "reason": reason }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::ACCEPTED, "{reason}");
    }
    let list = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(list["skills"][1]["publicationStatus"], "HIDDEN");

    let remove = api
        .post(&path)
        .json(&json!({ "type": "REMOVE", "reason": "Technical issues" }))
        .send()
        .await
        .unwrap();
    assert_eq!(remove.status(), StatusCode::ACCEPTED);
    let list = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(list["skills"][1]["publicationStatus"], "REMOVED");

    let latest = api
        .get(&format!("/v1/skills/{id}/publications/~latest"))
        .header("accept-language", "de-DE")
        .send()
        .await
        .unwrap();
    assert_error(latest, StatusCode::BAD_REQUEST, "Accept-Language").await;
    let latest = api
        .get(&format!("/v1/skills/{id}/publications/~latest"))
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(latest.status(), StatusCode::OK);
}

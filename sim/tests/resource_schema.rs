//! Resource Schema page over real HTTP, including the presigned URLs it hands out.

mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

async fn location(api: &Api, query: &str) -> (String, String) {
    let resp = api
        .get_response(&format!("/v1/skills/resourceSchema/{query}"))
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{query}");
    let body: Value = resp.json().await.unwrap();
    (
        body["schemaLocationUrl"].as_str().unwrap().to_owned(),
        body["expiryTime"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn manifest_schema_is_derived_from_the_spec_and_stricter_for_submission() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let (url, expiry) = location(
        &api,
        &format!("manifest?vendorId={VENDOR}&operation=CREATE_SKILL"),
    )
    .await;
    assert!(
        url.starts_with(&format!("{}/_presigned/schemas/manifest?", sim.url())),
        "{url}"
    );
    let expiry = chrono::DateTime::parse_from_rfc3339(&expiry).unwrap();
    assert!(expiry > chrono::Utc::now());

    // Fetched without Authorization, as a presigned URL is.
    let plain = reqwest::Client::new();
    let resp = plain.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let create: Value = resp.json().await.unwrap();
    assert_eq!(
        create["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(
        !create.to_string().contains("$ref"),
        "references are inlined"
    );
    // From the spec: the locale schema is LocalizedPublishingInformation, inlined.
    let spec: Value = serde_norway::from_str(alexa_smapi_sim::EMBEDDED_SPEC).unwrap();
    let from_spec = &spec["components"]["schemas"]["LocalizedPublishingInformation"]["properties"];
    let locale = &create["properties"]["publishingInformation"]["properties"]["locales"]["additionalProperties"];
    assert_eq!(
        locale["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        from_spec.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    assert_eq!(
        locale["properties"]["name"]["minLength"],
        from_spec["name"]["minLength"]
    );
    assert_eq!(locale["required"], serde_json::json!(["name"]));
    assert!(
        create["required"]
            .as_array()
            .unwrap()
            .contains(&"manifestVersion".into())
    );
    assert!(
        !create["required"]
            .as_array()
            .unwrap()
            .contains(&"privacyAndCompliance".into())
    );
    assert_eq!(sim.counters().presigned_with_authorization, 0);

    let (submit_url, _) = location(
        &api,
        &format!("manifest?vendorId={VENDOR}&operation=SUBMIT_SKILL"),
    )
    .await;
    let submit = fetch_json(plain.get(&submit_url)).await;
    let locale = &submit["properties"]["publishingInformation"]["properties"]["locales"]["additionalProperties"];
    let required: Vec<&str> = locale["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        ["name", "summary", "description", "examplePhrases"]
    );
    assert!(
        submit["required"]
            .as_array()
            .unwrap()
            .contains(&"privacyAndCompliance".into())
    );
    assert_ne!(create, submit);

    // A client that wrongly sends its bearer token is still served, and counted.
    let with_auth = plain
        .get(&submit_url)
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(with_auth.status(), StatusCode::OK);
    assert_eq!(sim.counters().presigned_with_authorization, 1);
    assert_eq!(sim.counters().operation("presignedSchema"), 3);
}

#[tokio::test]
async fn package_structure_needs_no_operation() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let (url, _) = location(&api, &format!("skillPackageStructure?vendorId={VENDOR}")).await;
    let doc: Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
    assert!(doc["properties"]["skill-package"]["properties"]["skill.json"].is_object());
}

#[tokio::test]
async fn tampered_and_expired_urls_are_forbidden() {
    let sim = start_with(|b| b.schema_url_ttl(Duration::from_secs(1))).await;
    let api = Api::new(&sim, VENDOR);
    let (url, _) = location(
        &api,
        &format!("manifest?vendorId={VENDOR}&operation=CREATE_SKILL"),
    )
    .await;
    let plain = reqwest::Client::new();
    assert_eq!(
        plain.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );

    let tampered = [
        url.replace("CREATE_SKILL", "SUBMIT_SKILL"),
        url.replace("/manifest?", "/skillPackageStructure?"),
        {
            let (head, sig) = url.rsplit_once("signature=").unwrap();
            let flipped: String = sig.chars().rev().collect();
            format!("{head}signature={flipped}")
        },
        url.split("&signature=").next().unwrap().to_owned(),
    ];
    for bad in &tampered {
        let resp = plain.get(bad).send().await.unwrap();
        assert_error(resp, StatusCode::FORBIDDEN, "").await;
    }
    let expires: i64 = url
        .split("expires=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let later = url.replace(
        &format!("expires={expires}"),
        &format!("expires={}", expires + 3600),
    );
    assert_eq!(
        plain.get(&later).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = plain.get(&url).send().await.unwrap();
    assert_error(expired, StatusCode::FORBIDDEN, "expired").await;
}

#[tokio::test]
async fn parameter_rules() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let cases = [
        (
            format!("manifest?vendorId={VENDOR}"),
            StatusCode::BAD_REQUEST,
            "operation",
        ),
        (
            format!("manifest?vendorId={VENDOR}&operation=DELETE_SKILL"),
            StatusCode::BAD_REQUEST,
            "operation",
        ),
        (
            format!("skillPackageStructure?vendorId={VENDOR}&operation=nope"),
            StatusCode::BAD_REQUEST,
            "operation",
        ),
        (
            format!("interactionModel?vendorId={VENDOR}&operation=CREATE_SKILL"),
            StatusCode::BAD_REQUEST,
            "resource",
        ),
        (
            "manifest?operation=CREATE_SKILL".to_owned(),
            StatusCode::BAD_REQUEST,
            "vendorId",
        ),
        (
            "manifest?vendorId=&operation=CREATE_SKILL".to_owned(),
            StatusCode::BAD_REQUEST,
            "vendorId",
        ),
        (
            format!("manifest?vendorId={OTHER_VENDOR}&operation=CREATE_SKILL"),
            StatusCode::FORBIDDEN,
            "vendorId",
        ),
    ];
    for (query, status, field) in cases {
        let resp = api
            .get_response(&format!("/v1/skills/resourceSchema/{query}"))
            .await;
        assert_error(resp, status, field).await;
    }
    let unauthenticated = reqwest::get(format!(
        "{}/v1/skills/resourceSchema/manifest?vendorId={VENDOR}&operation=CREATE_SKILL",
        sim.url()
    ))
    .await
    .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
}

//! Wire tests for the six Skill Operations (`skill-operations-api.txt`): the generated client
//! sends exactly the documented request to a mock server on loopback and decodes the page's
//! examples, headers and error bodies.

mod common;

use alexa_smapi::generated::open_enums::{
    BuildStatus, DistributionCountry, ManifestCategory, PublicationStatusSummary, SkillApiKind,
    Stage,
};
use alexa_smapi::generated::types;
use common::*;
use progenitor_client::Error;
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

const STATUS_LOCATION: &str =
    "/v1/skills/amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb/status";

fn manifest_path(stage: &str) -> String {
    format!("/v1/skills/{SKILL_ID}/stages/{stage}/manifest")
}

fn create_request() -> types::CreateSkillRequest {
    typed_request_example("createSkillForVendor")
}

fn update_request() -> types::SkillManifestEnvelope {
    typed_request_example("updateSkillManifest")
}

/// What `updateSkillManifest` answers on success: 202 with the status URL in `Location`.
fn accepted_with_status_location() -> ResponseTemplate {
    ResponseTemplate::new(202).insert_header("Location", STATUS_LOCATION)
}

// ---------------------------------------------------------------------------------------------
// createSkillForVendor
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_skill_posts_the_page_example_to_v1_skills() {
    let server = serve(
        "POST",
        "/v1/skills",
        spec_example("createSkillForVendor", 202).insert_header("Location", STATUS_LOCATION),
    )
    .await;

    client(&server)
        .create_skill_for_vendor()
        .body(create_request())
        .send()
        .await
        .expect("202 decodes");

    let request = single_request(&server).await;
    assert_request_line(&request, "POST", "/v1/skills", None);
    assert_standard_headers(&request, "application/json");
    assert_eq!(json_body(&request), request_example("createSkillForVendor"));
}

#[tokio::test]
async fn create_skill_decodes_skill_id_and_location_header() {
    let server = serve(
        "POST",
        "/v1/skills",
        spec_example("createSkillForVendor", 202).insert_header("Location", STATUS_LOCATION),
    )
    .await;

    let response = client(&server)
        .create_skill_for_vendor()
        .body(create_request())
        .send()
        .await
        .expect("202 decodes");

    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(
        header_bytes(response.headers(), "location"),
        Some(STATUS_LOCATION.as_bytes())
    );
    assert_eq!(
        response.into_inner().skill_id,
        "amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb"
    );
}

#[tokio::test]
async fn create_skill_decodes_every_documented_error_status() {
    assert_error_family(
        "createSkillForVendor",
        &[400, 401, 403, 413, 429, 500, 503],
        async |c| {
            c.create_skill_for_vendor()
                .body(create_request())
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn create_skill_bad_request_decodes_code_message_and_violations() {
    let body = json!({
        "code": "INVALID_STRING_LENGTH",
        "message": "The property is outside the allowed range.",
        "violations": [
            {
                "code": "INVALID_STRING_LENGTH",
                "message": "summary is longer than 160 characters",
                "validationDetails": {"originalInstance": {"propertyPath": "manifest.publishingInformation.locales.en-US.summary"}}
            },
            {"message": "name is shorter than 2 characters"}
        ]
    });
    let server = serve("POST", "/v1/skills", json_response(400, &body)).await;

    let error = expect_error_response(
        client(&server)
            .create_skill_for_vendor()
            .body(create_request())
            .send()
            .await,
    );

    assert_eq!(error.status().as_u16(), 400);
    let error = error.into_inner();
    assert_eq!(error.code.as_deref(), Some("INVALID_STRING_LENGTH"));
    assert_eq!(error.message, "The property is outside the allowed range.");
    assert_eq!(error.violations.len(), 2);
    assert_eq!(
        error.violations[0].code.as_deref(),
        Some("INVALID_STRING_LENGTH")
    );
    assert_eq!(
        error.violations[0].message,
        "summary is longer than 160 characters"
    );
    assert_eq!(
        Value::Object(error.violations[0].validation_details.clone()),
        body["violations"][0]["validationDetails"]
    );
    assert_eq!(error.violations[1].code, None);
    assert_eq!(
        error.violations[1].message,
        "name is shorter than 2 characters"
    );
}

// ---------------------------------------------------------------------------------------------
// listSkillsForVendor
// ---------------------------------------------------------------------------------------------

fn hal_response(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        serde_json::to_vec(body).expect("JSON serialises"),
        "application/json+hal",
    )
}

#[tokio::test]
async fn list_skills_repeats_skill_id_and_asks_for_hal() {
    let example = response_example("listSkillsForVendor", 200, "application/json+hal");
    let server = serve("GET", "/v1/skills", hal_response(&example)).await;

    client(&server)
        .list_skills_for_vendor()
        .vendor_id(VENDOR_ID)
        .skill_id(vec![
            alexa_smapi::SkillId::from("amzn1.ask.skill.a"),
            alexa_smapi::SkillId::from("amzn1.ask.skill.b"),
        ])
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/v1/skills");
    assert_standard_headers(&request, "application/json+hal");
    assert_no_body(&request);
    let query = raw_query(&request).expect("query present");
    assert!(
        query.contains("skillId=amzn1.ask.skill.a&skillId=amzn1.ask.skill.b"),
        "skillId not repeated in order: {query}"
    );
    let mut sent = query_pairs(&request);
    sent.sort();
    assert_eq!(
        sent,
        pairs(&[
            ("skillId", "amzn1.ask.skill.a"),
            ("skillId", "amzn1.ask.skill.b"),
            ("vendorId", VENDOR_ID),
        ])
    );
}

#[tokio::test]
async fn list_skills_pages_with_max_results_and_next_token() {
    let example = response_example("listSkillsForVendor", 200, "application/json+hal");
    let token = example["nextToken"]
        .as_str()
        .expect("example has nextToken");
    let server = serve("GET", "/v1/skills", hal_response(&example)).await;

    client(&server)
        .list_skills_for_vendor()
        .vendor_id(VENDOR_ID)
        .max_results(50u32)
        .next_token(token)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    let query = raw_query(&request).expect("query present");
    // The token is base64 with `=` padding, which must be percent-encoded in a query value.
    assert!(
        query.contains("nextToken=eyJkIjoi") && query.ends_with("%3D%3D&vendorId=MT25O3ZVSAXZOAX"),
        "{query}"
    );
    let mut sent = query_pairs(&request);
    sent.sort();
    assert_eq!(
        sent,
        pairs(&[
            ("maxResults", "50"),
            ("nextToken", token),
            ("vendorId", VENDOR_ID),
        ])
    );
}

#[tokio::test]
async fn list_skills_decodes_the_hal_page_example() {
    let example = response_example("listSkillsForVendor", 200, "application/json+hal");
    let server = serve("GET", "/v1/skills", hal_response(&example)).await;

    let page = client(&server)
        .list_skills_for_vendor()
        .vendor_id(VENDOR_ID)
        .send()
        .await
        .expect("200 decodes")
        .into_inner();

    assert_eq!(page.is_truncated, Some(true));
    assert_eq!(page.next_token.as_deref(), example["nextToken"].as_str());
    let links = page.links.as_ref().expect("_links");
    assert_eq!(
        links.self_.as_ref().map(|l| l.href.as_str()),
        Some("/v1/skills?vendorId=MA2384AJJ2NAJ")
    );
    assert_eq!(
        links.next.as_ref().map(|l| l.href.as_str()),
        example["_links"]["next"]["href"].as_str()
    );
    assert_eq!(page.skills.len(), 2);

    let first = &page.skills[0];
    assert_eq!(
        first.skill_id,
        "amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb"
    );
    assert_eq!(first.stage, Some(Stage::Development));
    assert_eq!(
        first.apis,
        [SkillApiKind::Custom, SkillApiKind::HouseholdList]
    );
    assert_eq!(
        first.publication_status,
        Some(PublicationStatusSummary::Development)
    );
    assert_eq!(
        first.last_updated.map(|t| t.to_rfc3339()),
        Some("2017-07-11T19:29:57.120+00:00".to_owned())
    );
    assert_eq!(
        first.name_by_locale.get("en-US").map(String::as_str),
        Some("example")
    );
    assert_eq!(
        first
            .links
            .as_ref()
            .and_then(|l| l.self_.as_ref())
            .map(|l| l.href.as_str()),
        Some(
            "/v1/skills/amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb/stages/development/manifest"
        )
    );

    let second = &page.skills[1];
    assert_eq!(second.stage, Some(Stage::Live));
    assert_eq!(second.apis, [SkillApiKind::Video]);
    assert_eq!(
        second.publication_status,
        Some(PublicationStatusSummary::Published)
    );

    // Nothing in the example was dropped or renamed on the way in.
    assert_eq!(serde_json::to_value(&page).unwrap(), example);
}

#[tokio::test]
async fn list_skills_decodes_unknown_enum_values_and_reencodes_them_unchanged() {
    let body = json!({
        "skills": [{
            "skillId": "amzn1.ask.skill.x",
            "stage": "preview",
            "apis": ["custom", "quantumWidget"],
            "publicationStatus": "SOMETHING_NEW"
        }]
    });
    let server = serve("GET", "/v1/skills", hal_response(&body)).await;

    let page = client(&server)
        .list_skills_for_vendor()
        .vendor_id(VENDOR_ID)
        .send()
        .await
        .expect("unknown enum values decode")
        .into_inner();

    let skill = &page.skills[0];
    assert_eq!(skill.stage, Some(Stage::Unknown("preview".to_owned())));
    assert_eq!(
        skill.apis,
        [
            SkillApiKind::Custom,
            SkillApiKind::Unknown("quantumWidget".to_owned())
        ]
    );
    assert_eq!(
        skill.publication_status,
        Some(PublicationStatusSummary::Unknown(
            "SOMETHING_NEW".to_owned()
        ))
    );
    assert_eq!(serde_json::to_value(&page).unwrap(), body);
}

#[tokio::test]
async fn list_skills_decodes_every_documented_error_status() {
    assert_error_family(
        "listSkillsForVendor",
        &[400, 401, 429, 500, 503],
        async |c| c.list_skills_for_vendor().vendor_id(VENDOR_ID).send().await,
    )
    .await;
}

#[tokio::test]
async fn list_skills_without_vendor_id_is_rejected_before_sending() {
    let server = MockServer::start().await;
    let result = client(&server).list_skills_for_vendor().send().await;
    assert_rejected_before_sending(&server, result, "vendor_id").await;
}

// ---------------------------------------------------------------------------------------------
// getSkillManifest
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_skill_manifest_sends_get_to_the_stage_path() {
    for (stage, builder_stage) in [
        ("development", alexa_smapi::Stage::Development),
        ("certified", alexa_smapi::Stage::Certified),
        ("live", alexa_smapi::Stage::Live),
    ] {
        let server = serve(
            "GET",
            manifest_path(stage),
            spec_example("getSkillManifest", 200).insert_header("ETag", "\"etag-1\""),
        )
        .await;

        client(&server)
            .get_skill_manifest()
            .skill_id(SKILL_ID)
            .stage(builder_stage)
            .send()
            .await
            .expect("200 decodes");

        let request = single_request(&server).await;
        assert_request_line(&request, "GET", &manifest_path(stage), None);
        assert_standard_headers(&request, "application/json");
        assert_no_body(&request);
    }
}

#[tokio::test]
async fn get_skill_manifest_decodes_the_page_example_and_etag() {
    let example = response_example("getSkillManifest", 200, "application/json");
    let server = serve(
        "GET",
        manifest_path("development"),
        json_response(200, &example).insert_header("ETag", "\"3fa2c1\""),
    )
    .await;

    let response = client(&server)
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("200 decodes");

    assert_eq!(
        header_bytes(response.headers(), "etag"),
        Some(&b"\"3fa2c1\""[..])
    );
    let manifest = response.into_inner().manifest;
    assert_eq!(manifest.manifest_version.as_deref(), Some("1.0"));
    let publishing = manifest
        .publishing_information
        .as_ref()
        .expect("publishing");
    assert_eq!(publishing.category, Some(ManifestCategory::SmartHome));
    assert_eq!(publishing.is_available_worldwide, Some(false));
    assert_eq!(
        publishing.distribution_countries.as_deref(),
        Some(&[DistributionCountry::Us, DistributionCountry::Gb][..])
    );
    let en_us = &publishing.locales.as_ref().expect("locales")["en-US"];
    assert_eq!(en_us.name.as_deref(), Some("Sample custom skill name."));
    assert_eq!(
        en_us.summary.as_deref(),
        Some("This is a sample Alexa skill.")
    );
    let endpoint = manifest
        .apis
        .as_ref()
        .and_then(|a| a.custom.as_ref())
        .and_then(|c| c.endpoint.as_ref())
        .expect("apis.custom.endpoint");
    assert_eq!(
        endpoint.uri.as_deref(),
        Some("arn:aws:lambda:us-east-1:032174894474:function:ask-custom-custome_cert")
    );
    assert_eq!(
        serde_json::to_value(&manifest).unwrap(),
        example["manifest"]
    );
}

#[tokio::test]
async fn get_skill_manifest_follows_a_303_to_location_on_the_same_host() {
    let example = response_example("getSkillManifest", 200, "application/json");
    let server = serve(
        "GET",
        manifest_path("development"),
        ResponseTemplate::new(303).insert_header("Location", "/elsewhere/manifest"),
    )
    .await;
    mount(
        &server,
        "GET",
        "/elsewhere/manifest",
        json_response(200, &example).insert_header("ETag", "\"moved\""),
    )
    .await;

    let response = client(&server)
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("the redirect is followed and the manifest decodes");

    assert_eq!(
        header_bytes(response.headers(), "etag"),
        Some(&b"\"moved\""[..])
    );
    assert_eq!(
        serde_json::to_value(response.into_inner()).unwrap(),
        example
    );
    let requests = received(&server).await;
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [manifest_path("development").as_str(), "/elsewhere/manifest"]
    );
    assert_eq!(requests[1].method.as_str(), "GET");
}

#[tokio::test]
async fn get_skill_manifest_303_to_another_origin_does_not_forward_the_token() {
    let example = response_example("getSkillManifest", 200, "application/json");
    let other = serve("GET", "/presigned/manifest", json_response(200, &example)).await;
    let server = serve(
        "GET",
        manifest_path("development"),
        ResponseTemplate::new(303)
            .insert_header("Location", format!("{}/presigned/manifest", other.uri())),
    )
    .await;

    client(&server)
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("the redirect is followed and the manifest decodes");

    let redirected = single_request(&other).await;
    assert!(
        redirected.headers.get("authorization").is_none(),
        "bearer token leaked to another origin"
    );
}

#[tokio::test]
async fn get_skill_manifest_303_without_redirects_is_an_unexpected_response_with_location() {
    let server = serve(
        "GET",
        manifest_path("development"),
        ResponseTemplate::new(303).insert_header("Location", "/elsewhere/manifest"),
    )
    .await;
    let http = http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let result = client_with(&server.uri(), http)
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await;

    match result {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status().as_u16(), 303);
            assert_eq!(
                header_bytes(response.headers(), "location"),
                Some(&b"/elsewhere/manifest"[..])
            );
        }
        other => panic!("expected UnexpectedResponse(303), got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn get_skill_manifest_decodes_every_documented_error_status() {
    assert_error_family(
        "getSkillManifest",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| {
            c.get_skill_manifest()
                .skill_id(SKILL_ID)
                .stage(alexa_smapi::Stage::Live)
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn get_skill_manifest_accepts_a_255_char_skill_id() {
    let id = "a".repeat(255);
    let server = serve(
        "GET",
        format!("/v1/skills/{id}/stages/live/manifest"),
        spec_example("getSkillManifest", 200),
    )
    .await;

    client(&server)
        .get_skill_manifest()
        .skill_id(id.as_str())
        .stage(alexa_smapi::Stage::Live)
        .send()
        .await
        .expect("255 characters is within the documented range");
    assert_eq!(
        single_request(&server).await.url.path(),
        format!("/v1/skills/{id}/stages/live/manifest")
    );
}

#[tokio::test]
async fn get_skill_manifest_percent_encodes_reserved_characters_in_the_skill_id() {
    let server = serve_any_path("GET", spec_example("getSkillManifest", 200)).await;

    client(&server)
        .get_skill_manifest()
        .skill_id("a/b?c#d")
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/v1/skills/a%2Fb%3Fc%23d/stages/development/manifest"
    );
    assert_eq!(raw_query(&request), None);
}

// ---------------------------------------------------------------------------------------------
// updateSkillManifest
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn update_skill_manifest_puts_the_envelope_with_if_match() {
    let server = serve(
        "PUT",
        manifest_path("development"),
        accepted_with_status_location(),
    )
    .await;

    client(&server)
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(types::UpdateSkillManifestStage::Development)
        .if_match("\"3fa2c1\"")
        .body(update_request())
        .send()
        .await
        .expect("202");

    let request = single_request(&server).await;
    assert_request_line(&request, "PUT", &manifest_path("development"), None);
    assert_standard_headers(&request, "application/json");
    assert_eq!(header(&request, "if-match"), "\"3fa2c1\"");
    assert_eq!(json_body(&request), request_example("updateSkillManifest"));
}

#[tokio::test]
async fn update_skill_manifest_without_if_match_sends_no_if_match_header() {
    let server = serve(
        "PUT",
        manifest_path("development"),
        accepted_with_status_location(),
    )
    .await;

    client(&server)
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(types::UpdateSkillManifestStage::Development)
        .body(update_request())
        .send()
        .await
        .expect("202");

    let request = single_request(&server).await;
    assert!(request.headers.get("if-match").is_none());
}

#[tokio::test]
async fn update_skill_manifest_returns_202_with_location_and_no_body() {
    let server = serve(
        "PUT",
        manifest_path("development"),
        accepted_with_status_location(),
    )
    .await;

    let response = client(&server)
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(types::UpdateSkillManifestStage::Development)
        .body(update_request())
        .send()
        .await
        .expect("202");

    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(
        header_bytes(response.headers(), "location"),
        Some(STATUS_LOCATION.as_bytes())
    );
}

#[tokio::test]
async fn update_skill_manifest_decodes_every_documented_error_status() {
    assert_error_family(
        "updateSkillManifest",
        &[400, 401, 403, 404, 409, 412, 413, 429, 500, 503],
        async |c| {
            c.update_skill_manifest()
                .skill_id(SKILL_ID)
                .stage(types::UpdateSkillManifestStage::Development)
                .if_match("\"stale\"")
                .body(update_request())
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn update_skill_manifest_rejects_live_stage_and_bad_skill_ids_before_sending() {
    let server = MockServer::start().await;
    let result = client(&server)
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage("live")
        .body(update_request())
        .send()
        .await;
    assert_rejected_before_sending(&server, result, "stage").await;

    let result = client(&server)
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(types::UpdateSkillManifestStage::Development)
        .if_match("")
        .body(update_request())
        .send()
        .await;
    assert_rejected_before_sending(&server, result, "if_match").await;
}

/// A manifest as Amazon may serve it: fields this spec does not model at every level, and an
/// enum value it does not list.
fn manifest_with_unknown_fields() -> Value {
    json!({
        "manifest": {
            "manifestVersion": "1.0",
            "permissions": [{"name": "alexa::profile:email:read"}],
            "events": {"endpoint": {"uri": "arn:aws:lambda:us-east-1:1:function:events"}, "subscriptions": [{"eventName": "SKILL_ENABLED"}]},
            "publishingInformation": {
                "category": "NEW_CATEGORY",
                "distributionMode": "PUBLIC",
                "isAvailableWorldwide": true,
                "gadgetSupport": {"requirement": "OPTIONAL", "numPlayersMin": 1},
                "locales": {
                    "en-US": {
                        "name": "Sample custom skill name.",
                        "summary": "This is a sample Alexa skill.",
                        "examplePhrases": ["Alexa, open sample skill."],
                        "customProductPrompts": {"purchaseConfirmationDescription": "Buy it?"}
                    }
                },
                "automaticDistribution": {"isActive": true, "sourceLocaleForLanguages": [{"language": "en", "sourceLocale": "en-US"}]}
            },
            "apis": {
                "custom": {
                    "endpoint": {
                        "uri": "https://skill.example.com/alexa",
                        "sslCertificateType": "Wildcard",
                        "futureEndpointFlag": {"nested": [1, 2.5, null, "x"]}
                    },
                    "interfaces": [{"type": "ALEXA_PRESENTATION_APL"}],
                    "regions": {"EU": {"endpoint": {"uri": "https://eu.example.com"}}}
                },
                "smartHome": {"protocolVersion": "3"}
            },
            "privacyAndCompliance": {
                "allowsPurchases": false,
                "usesPersonalInfo": true,
                "shoppingKit": {"isShoppingActionsEnabled": false},
                "locales": {
                    "en-US": {
                        "privacyPolicyUrl": "https://example.com/privacy",
                        "consentNotice": "We keep nothing."
                    }
                }
            }
        }
    })
}

#[tokio::test]
async fn manifest_with_unknown_fields_survives_get_then_put() {
    let served = manifest_with_unknown_fields();
    let server = serve(
        "GET",
        manifest_path("development"),
        json_response(200, &served).insert_header("ETag", "\"v7\""),
    )
    .await;
    mount(
        &server,
        "PUT",
        manifest_path("development"),
        accepted_with_status_location(),
    )
    .await;
    let client = client(&server);

    let response = client
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("the manifest decodes");
    let etag = response
        .headers()
        .get("etag")
        .expect("ETag")
        .to_str()
        .unwrap()
        .to_owned();
    let envelope = response.into_inner();
    assert_eq!(
        envelope
            .manifest
            .publishing_information
            .as_ref()
            .and_then(|p| p.category.clone()),
        Some(ManifestCategory::Unknown("NEW_CATEGORY".to_owned()))
    );
    client
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(types::UpdateSkillManifestStage::Development)
        .if_match(etag.as_str())
        .body(envelope)
        .send()
        .await
        .expect("202");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let put = &requests[1];
    assert_eq!(put.method.as_str(), "PUT");
    assert_eq!(header(put, "if-match"), "\"v7\"");
    assert_eq!(json_body(put), served);
}

/// Empty modelled collections (`[]`, `{}`) are written back as sent, not dropped: codegen's
/// round-trip view makes optional collections of the manifest `Option<…>`
/// (`codegen::ROUND_TRIP_ROOTS`).
#[tokio::test]
async fn manifest_with_empty_modelled_collections_survives_get_then_put() {
    let served = json!({
        "manifest": {
            "publishingInformation": {
                "distributionCountries": [],
                "locales": {"en-US": {"name": "Empty lists", "keywords": [], "examplePhrases": []}},
                "automaticDistribution": {}
            },
            "privacyAndCompliance": {"locales": {}}
        }
    });
    let server = serve(
        "GET",
        manifest_path("development"),
        json_response(200, &served),
    )
    .await;
    mount(
        &server,
        "PUT",
        manifest_path("development"),
        accepted_with_status_location(),
    )
    .await;
    let client = client(&server);
    let envelope = client
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("the manifest decodes")
        .into_inner();
    client
        .update_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(types::UpdateSkillManifestStage::Development)
        .body(envelope)
        .send()
        .await
        .expect("202");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(json_body(&requests[1]), served);
}

/// The length limits the spec puts on manifest strings (`name` at least 2, `summary` at most
/// 160, ...) are not enforced when decoding: a manifest the server holds always decodes, so it
/// can be read, fixed and written back (`codegen::ROUND_TRIP_ROOTS`).
#[tokio::test]
async fn manifest_with_out_of_range_strings_from_the_server_still_decodes() {
    let served = json!({
        "manifest": {
            "publishingInformation": {
                "distributionCountries": ["USA"],
                "locales": {"en-US": {"name": "X", "summary": "s".repeat(161)}}
            }
        }
    });
    let server = serve(
        "GET",
        manifest_path("development"),
        json_response(200, &served),
    )
    .await;

    let envelope = client(&server)
        .get_skill_manifest()
        .skill_id(SKILL_ID)
        .stage(alexa_smapi::Stage::Development)
        .send()
        .await
        .expect("a stored manifest decodes whatever its string lengths")
        .into_inner();
    assert_eq!(serde_json::to_value(envelope).unwrap(), served);
}

// ---------------------------------------------------------------------------------------------
// getSkillStatus
// ---------------------------------------------------------------------------------------------

fn status_path() -> String {
    format!("/v1/skills/{SKILL_ID}/status")
}

#[tokio::test]
async fn get_skill_status_repeats_resource_in_the_query() {
    let server = serve("GET", status_path(), spec_example("getSkillStatus", 200)).await;

    client(&server)
        .get_skill_status()
        .skill_id(SKILL_ID)
        .resource(vec![
            types::StatusResource::Manifest,
            types::StatusResource::InteractionModel,
        ])
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_request_line(
        &request,
        "GET",
        &status_path(),
        Some("resource=manifest&resource=interactionModel"),
    );
    assert_standard_headers(&request, "application/json");
    assert_no_body(&request);
}

#[tokio::test]
async fn get_skill_status_without_resource_sends_no_query() {
    let server = serve("GET", status_path(), spec_example("getSkillStatus", 200)).await;

    client(&server)
        .get_skill_status()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("200 decodes");

    assert_eq!(raw_query(&single_request(&server).await), None);
}

#[tokio::test]
async fn get_skill_status_decodes_the_page_example() {
    let example = response_example("getSkillStatus", 200, "application/json");
    let server = serve("GET", status_path(), json_response(200, &example)).await;

    let status = client(&server)
        .get_skill_status()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("200 decodes")
        .into_inner();

    let manifest = status.manifest.as_ref().expect("manifest");
    assert_eq!(manifest.e_tag.as_deref(), Some("ahsdfuhq34894hjk"));
    let update = manifest
        .last_update_request
        .as_ref()
        .expect("lastUpdateRequest");
    assert_eq!(update.status, BuildStatus::Failed);
    let messages: Vec<&str> = update.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Please provide a valid url having a valid image for small icon or large icon",
            "Small icon size should be 108*108. Large icon size should be 512*512."
        ]
    );
    let model = &status.interaction_model;
    assert_eq!(
        model.keys().map(String::as_str).collect::<Vec<_>>(),
        ["en-GB", "en-US"]
    );
    assert_eq!(
        model["en-US"]
            .last_update_request
            .as_ref()
            .map(|u| u.status.clone()),
        Some(BuildStatus::Succeeded)
    );
    assert_eq!(model["en-GB"].e_tag.as_deref(), Some("ahsadfahq34894hjk"));
    assert_eq!(
        model["en-GB"]
            .last_update_request
            .as_ref()
            .map(|u| u.status.clone()),
        Some(BuildStatus::InProgress)
    );
    assert_eq!(serde_json::to_value(&status).unwrap(), example);
}

#[tokio::test]
async fn get_skill_status_decodes_an_unknown_build_status() {
    let body = json!({"manifest": {"lastUpdateRequest": {"status": "PAUSED"}}});
    let server = serve("GET", status_path(), json_response(200, &body)).await;

    let status = client(&server)
        .get_skill_status()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("an unknown status decodes")
        .into_inner();

    assert_eq!(
        status
            .manifest
            .as_ref()
            .and_then(|m| m.last_update_request.as_ref())
            .map(|u| u.status.clone()),
        Some(BuildStatus::Unknown("PAUSED".to_owned()))
    );
    assert_eq!(serde_json::to_value(&status).unwrap(), body);
}

#[tokio::test]
async fn get_skill_status_decodes_every_documented_error_status() {
    assert_error_family(
        "getSkillStatus",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| c.get_skill_status().skill_id(SKILL_ID).send().await,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// deleteSkill
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_skill_sends_delete_to_the_path_with_trailing_slash() {
    let delete_path = format!("/v1/skills/{SKILL_ID}/");
    let server = serve("DELETE", delete_path.as_str(), ResponseTemplate::new(204)).await;

    let response = client(&server)
        .delete_skill()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("204");

    assert_eq!(response.status().as_u16(), 204);
    let request = single_request(&server).await;
    assert_request_line(&request, "DELETE", &delete_path, None);
    assert_standard_headers(&request, "application/json");
    assert_no_body(&request);
}

#[tokio::test]
async fn delete_skill_decodes_every_documented_error_status() {
    assert_error_family(
        "deleteSkill",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| c.delete_skill().skill_id(SKILL_ID).send().await,
    )
    .await;
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let server = serve_any_path(
        "DELETE",
        json_response(409, &json!({"message": "not documented for delete"})),
    )
    .await;

    let result = client(&server)
        .delete_skill()
        .skill_id(SKILL_ID)
        .send()
        .await;

    // Since spec 2.0.0 delete documents 400; 409 is still not among its statuses.
    match result {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 409),
        other => panic!("expected UnexpectedResponse(409), got {other:?}"),
    }
}

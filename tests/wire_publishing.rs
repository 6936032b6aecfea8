//! Wire tests for the three Skill Publishing operations (`skill-publishing-api.txt`): the
//! generated client sends exactly the documented request to a mock server on loopback and
//! decodes the page's examples and error bodies.

mod common;

use alexa_smapi::generated::open_enums::PublicationStatus;
use alexa_smapi::generated::types;
use common::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn latest_path() -> String {
    format!("/v1/skills/{SKILL_ID}/publications/~latest")
}

fn publications_path() -> String {
    format!("/v1/skills/{SKILL_ID}/publications")
}

fn unpublish_path() -> String {
    format!("/v1/skills/{SKILL_ID}/unpublish")
}

fn publish_request() -> types::PublishSkillRequest {
    serde_json::from_value(request_example("publishSkill")).expect("publish example decodes")
}

fn unpublish_request() -> types::UnpublishSkillRequest {
    serde_json::from_value(request_example("unpublishSkill")).expect("unpublish example decodes")
}

// ---------------------------------------------------------------------------------------------
// getSkillPublication
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_skill_publication_gets_latest_with_accept_language() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(latest_path()))
        .respond_with(json_response(
            200,
            &response_example("getSkillPublication", 200, "application/json"),
        ))
        .mount(&server)
        .await;

    client(&server)
        .get_skill_publication()
        .skill_id(SKILL_ID)
        .accept_language(types::GetSkillPublicationAcceptLanguage::JaJp)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    // `~` is unreserved: it must arrive literally, not as `%7E`.
    assert_eq!(request.url.path(), latest_path());
    assert!(request.url.as_str().ends_with("/publications/~latest"));
    assert_eq!(raw_query(&request), None);
    assert_standard_headers(&request, "application/json");
    assert_eq!(header(&request, "accept-language"), "ja-JP");
    assert_no_body(&request);
}

#[tokio::test]
async fn get_skill_publication_without_accept_language_sends_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(latest_path()))
        .respond_with(json_response(
            200,
            &response_example("getSkillPublication", 200, "application/json"),
        ))
        .mount(&server)
        .await;

    client(&server)
        .get_skill_publication()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert!(request.headers.get("accept-language").is_none());
}

#[tokio::test]
async fn get_skill_publication_decodes_the_page_example() {
    let server = MockServer::start().await;
    let example = response_example("getSkillPublication", 200, "application/json");
    Mock::given(method("GET"))
        .and(path(latest_path()))
        .respond_with(json_response(200, &example))
        .mount(&server)
        .await;

    let publication = client(&server)
        .get_skill_publication()
        .skill_id(SKILL_ID)
        .accept_language(types::GetSkillPublicationAcceptLanguage::EnUs)
        .send()
        .await
        .expect("200 decodes")
        .into_inner();

    assert_eq!(publication.status, Some(PublicationStatus::InProgress));
    assert_eq!(
        publication.publishes_at.map(|t| t.timestamp_millis()),
        Some(1_572_573_787_023) // 2019-11-01T02:03:07.023Z
    );
    assert_eq!(serde_json::to_value(&publication).unwrap(), example);
}

#[tokio::test]
async fn get_skill_publication_decodes_an_unknown_status_and_reencodes_it() {
    let server = MockServer::start().await;
    let body = json!({"publishesAt": "2030-01-02T03:04:05Z", "status": "PAUSED"});
    Mock::given(method("GET"))
        .and(path(latest_path()))
        .respond_with(json_response(200, &body))
        .mount(&server)
        .await;

    let publication = client(&server)
        .get_skill_publication()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("an unknown status decodes")
        .into_inner();

    assert_eq!(
        publication.status,
        Some(PublicationStatus::Unknown("PAUSED".to_owned()))
    );
    assert_eq!(serde_json::to_value(&publication).unwrap(), body);
}

#[tokio::test]
async fn get_skill_publication_decodes_every_documented_error_status() {
    assert_error_family(
        "getSkillPublication",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| c.get_skill_publication().skill_id(SKILL_ID).send().await,
    )
    .await;
}

#[tokio::test]
async fn get_skill_publication_not_found_decodes_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(latest_path()))
        .respond_with(json_response(
            404,
            &json!({"code": "NOT_FOUND", "message": "The skill was never submitted."}),
        ))
        .mount(&server)
        .await;

    let error = expect_error_response(
        client(&server)
            .get_skill_publication()
            .skill_id(SKILL_ID)
            .send()
            .await,
    );

    assert_eq!(error.status().as_u16(), 404);
    assert_eq!(error.code.as_deref(), Some("NOT_FOUND"));
    assert_eq!(error.message, "The skill was never submitted.");
    assert!(error.violations.is_empty());
}

#[tokio::test]
async fn get_skill_publication_rejects_empty_and_256_char_skill_ids_before_sending() {
    let server = MockServer::start().await;
    for bad in [String::new(), skill_id_256()] {
        let result = client(&server)
            .get_skill_publication()
            .skill_id(bad.as_str())
            .send()
            .await;
        assert_rejected_before_sending(&server, result, "skill_id").await;
    }
}

// ---------------------------------------------------------------------------------------------
// publishSkill
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn publish_skill_posts_publishes_at_from_the_page_example() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(publications_path()))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;

    let response = client(&server)
        .publish_skill()
        .skill_id(SKILL_ID)
        .body(publish_request())
        .send()
        .await
        .expect("202");

    assert_eq!(response.status().as_u16(), 202);
    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), publications_path());
    assert_eq!(raw_query(&request), None);
    assert_standard_headers(&request, "application/json");
    assert_eq!(json_body(&request), request_example("publishSkill"));
    assert_eq!(
        json_body(&request),
        json!({"publishesAt": "2019-11-01T00:38:29.708Z"})
    );
}

#[tokio::test]
async fn publish_skill_without_publishes_at_sends_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(publications_path()))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;

    client(&server)
        .publish_skill()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("202");

    assert_eq!(json_body(&single_request(&server).await), json!({}));
}

#[tokio::test]
async fn publish_skill_decodes_every_documented_error_status() {
    assert_error_family(
        "publishSkill",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| {
            c.publish_skill()
                .skill_id(SKILL_ID)
                .body(publish_request())
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn publish_skill_rejects_empty_and_256_char_skill_ids_before_sending() {
    let server = MockServer::start().await;
    for bad in [String::new(), skill_id_256()] {
        let result = client(&server)
            .publish_skill()
            .skill_id(bad.as_str())
            .body(publish_request())
            .send()
            .await;
        assert_rejected_before_sending(&server, result, "skill_id").await;
    }
}

// ---------------------------------------------------------------------------------------------
// unpublishSkill
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unpublish_skill_posts_type_and_reason_with_accept_language() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(unpublish_path()))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;

    let response = client(&server)
        .unpublish_skill()
        .skill_id(SKILL_ID)
        .accept_language(types::UnpublishSkillAcceptLanguage::EnUs)
        .body(unpublish_request())
        .send()
        .await
        .expect("202");

    assert_eq!(response.status().as_u16(), 202);
    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), unpublish_path());
    assert_eq!(raw_query(&request), None);
    assert_standard_headers(&request, "application/json");
    assert_eq!(header(&request, "accept-language"), "en-US");
    assert_eq!(json_body(&request), request_example("unpublishSkill"));
    assert_eq!(
        json_body(&request),
        json!({"type": "HIDE", "reason": "Published by mistake"})
    );
}

#[tokio::test]
async fn unpublish_skill_sends_every_documented_reason_verbatim() {
    let reasons = spec()["components"]["schemas"]["UnpublishReason"]["enum"]
        .as_array()
        .expect("UnpublishReason is an enum")
        .clone();
    assert_eq!(reasons.len(), 6);
    for reason in reasons {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(unpublish_path()))
            .respond_with(ResponseTemplate::new(202))
            .mount(&server)
            .await;
        let body = json!({"type": "REMOVE", "reason": reason});
        let typed: types::UnpublishSkillRequest =
            serde_json::from_value(body.clone()).expect("documented reason decodes");

        client(&server)
            .unpublish_skill()
            .skill_id(SKILL_ID)
            .body(typed)
            .send()
            .await
            .expect("202");

        let request = single_request(&server).await;
        assert!(request.headers.get("accept-language").is_none());
        assert_eq!(json_body(&request), body);
    }
}

#[tokio::test]
async fn unpublish_skill_without_body_is_rejected_before_sending() {
    let server = MockServer::start().await;
    let result = client(&server)
        .unpublish_skill()
        .skill_id(SKILL_ID)
        .send()
        .await;
    match result {
        Err(progenitor_client::Error::InvalidRequest(message)) => {
            assert!(
                message.contains("reason") || message.contains("type"),
                "{message}"
            )
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(received(&server).await.is_empty());
}

#[test]
fn unpublish_reason_outside_the_documented_sentences_does_not_decode() {
    let result = serde_json::from_value::<types::UnpublishSkillRequest>(
        json!({"type": "HIDE", "reason": "published by mistake"}),
    );
    assert!(result.is_err(), "request enums are closed: {result:?}");
}

#[tokio::test]
async fn unpublish_skill_decodes_every_documented_error_status() {
    assert_error_family(
        "unpublishSkill",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| {
            c.unpublish_skill()
                .skill_id(SKILL_ID)
                .body(unpublish_request())
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn unpublish_skill_rejects_empty_and_256_char_skill_ids_before_sending() {
    let server = MockServer::start().await;
    for bad in [String::new(), skill_id_256()] {
        let result = client(&server)
            .unpublish_skill()
            .skill_id(bad.as_str())
            .body(unpublish_request())
            .send()
            .await;
        assert_rejected_before_sending(&server, result, "skill_id").await;
    }
}

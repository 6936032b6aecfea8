//! Wire tests for the three Skill Publishing operations (`skill-publishing-api.txt`): the
//! generated client sends exactly the documented request to a mock server on loopback and
//! decodes the page's examples and error bodies.

mod common;

use alexa_smapi::generated::open_enums::PublicationStatus;
use alexa_smapi::generated::types;
use common::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

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
    typed_request_example("publishSkill")
}

fn unpublish_request() -> types::UnpublishSkillRequest {
    typed_request_example("unpublishSkill")
}

// ---------------------------------------------------------------------------------------------
// getSkillPublication
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_skill_publication_gets_latest_with_accept_language() {
    let server = serve(
        "GET",
        latest_path(),
        spec_example("getSkillPublication", 200),
    )
    .await;

    client(&server)
        .get_skill_publication()
        .skill_id(SKILL_ID)
        .accept_language(types::GetSkillPublicationAcceptLanguage::JaJp)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    // `~` is unreserved: it must arrive literally, not as `%7E`.
    assert_request_line(&request, "GET", &latest_path(), None);
    assert!(request.url.as_str().ends_with("/publications/~latest"));
    assert_standard_headers(&request, "application/json");
    assert_eq!(header(&request, "accept-language"), "ja-JP");
    assert_no_body(&request);
}

#[tokio::test]
async fn get_skill_publication_without_accept_language_sends_none() {
    let server = serve(
        "GET",
        latest_path(),
        spec_example("getSkillPublication", 200),
    )
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
    let example = response_example("getSkillPublication", 200, "application/json");
    let server = serve("GET", latest_path(), json_response(200, &example)).await;

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
        publication.publishes_at_date.map(|t| t.timestamp_millis()),
        Some(1_572_573_787_023) // 2019-11-01T02:03:07.023Z
    );
    assert_eq!(serde_json::to_value(&publication).unwrap(), example);
}

#[tokio::test]
async fn get_skill_publication_decodes_an_unknown_status_and_reencodes_it() {
    let body = json!({"publishesAtDate": "2030-01-02T03:04:05Z", "status": "PAUSED"});
    let server = serve("GET", latest_path(), json_response(200, &body)).await;

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
    let server = serve(
        "GET",
        latest_path(),
        json_response(
            404,
            &json!({"code": "NOT_FOUND", "message": "The skill was never submitted."}),
        ),
    )
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

// ---------------------------------------------------------------------------------------------
// publishSkill
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn publish_skill_posts_publishes_at_from_the_page_example() {
    let server = serve("POST", publications_path(), ResponseTemplate::new(202)).await;

    let response = client(&server)
        .publish_skill()
        .skill_id(SKILL_ID)
        .body(publish_request())
        .send()
        .await
        .expect("202");

    assert_eq!(response.status().as_u16(), 202);
    let request = single_request(&server).await;
    assert_request_line(&request, "POST", &publications_path(), None);
    assert_standard_headers(&request, "application/json");
    assert_eq!(json_body(&request), request_example("publishSkill"));
    assert_eq!(
        json_body(&request),
        json!({"publishesAtDate": "2019-11-01T00:38:29.708Z"})
    );
}

#[tokio::test]
async fn publish_skill_without_publishes_at_sends_an_empty_object() {
    let server = serve("POST", publications_path(), ResponseTemplate::new(202)).await;

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
        &[400, 401, 403, 404, 413, 429, 500, 503],
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

// ---------------------------------------------------------------------------------------------
// unpublishSkill
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unpublish_skill_posts_type_and_reason_with_accept_language() {
    let server = serve("POST", unpublish_path(), ResponseTemplate::new(202)).await;

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
    assert_request_line(&request, "POST", &unpublish_path(), None);
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
        let server = serve("POST", unpublish_path(), ResponseTemplate::new(202)).await;
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
    assert_nothing_received(&server).await;
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
        &[400, 401, 403, 404, 413, 429, 500, 503],
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

//! Wire tests for the two Discovery Session operations (`discovery-session-api.txt`): the
//! generated client sends exactly the documented request to a mock server on loopback and
//! decodes the page's examples, the `Location` header and the `{type, message}` error family.

mod common;

use alexa_smapi::generated::open_enums::DiscoverySessionStatusValue;
use alexa_smapi::generated::types;
use common::*;
use serde_json::json;
use wiremock::MockServer;

const UNIT: &str = "amzn1.alexa.unit.did.AHJN2WHOVKJXJK7WJW6LM2BMEEI2";
const SESSION_ID: &str = "amzn1.alexa.discoverySession.1";
const SESSION_LOCATION: &str = "/v1/discoverySessions/amzn1.alexa.discoverySession.1";

fn create_request() -> types::CreateDiscoverySessionRequest {
    typed_request_example("createDiscoverySession")
}

fn session_path() -> String {
    format!("/v1/discoverySessions/{SESSION_ID}")
}

// ---------------------------------------------------------------------------------------------
// createDiscoverySession
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_discovery_session_posts_the_page_example_with_unit_query() {
    let server = serve(
        "POST",
        "/v1/discoverySessions",
        spec_example("createDiscoverySession", 201).insert_header("Location", SESSION_LOCATION),
    )
    .await;

    client(&server)
        .create_discovery_session()
        .unit(UNIT)
        .body(create_request())
        .send()
        .await
        .expect("201 decodes");

    let request = single_request(&server).await;
    assert_request_line(
        &request,
        "POST",
        "/v1/discoverySessions",
        Some(&format!("unit={UNIT}")),
    );
    assert_standard_headers(&request, "application/json");
    assert_eq!(
        json_body(&request),
        request_example("createDiscoverySession")
    );
    assert_eq!(
        json_body(&request),
        json!({"endpointReporter": {"type": "SKILL", "value": {"skillId": "amzn1.ask.skill.skillId", "skillStage": "live"}}})
    );
}

#[tokio::test]
async fn create_discovery_session_decodes_id_and_location_header() {
    let server = serve(
        "POST",
        "/v1/discoverySessions",
        spec_example("createDiscoverySession", 201).insert_header("Location", SESSION_LOCATION),
    )
    .await;

    let response = client(&server)
        .create_discovery_session()
        .unit(UNIT)
        .body(create_request())
        .send()
        .await
        .expect("201 decodes");

    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        header_bytes(response.headers(), "location"),
        Some(SESSION_LOCATION.as_bytes())
    );
    assert_eq!(response.into_inner().id, SESSION_ID);
}

#[tokio::test]
async fn create_discovery_session_percent_encodes_the_unit_query_value() {
    let server = serve(
        "POST",
        "/v1/discoverySessions",
        spec_example("createDiscoverySession", 201),
    )
    .await;
    let unit = "unit/with spaces&amp=+#";

    client(&server)
        .create_discovery_session()
        .unit(unit)
        .body(create_request())
        .send()
        .await
        .expect("201 decodes");

    let request = single_request(&server).await;
    assert_eq!(query_pairs(&request), pairs(&[("unit", unit)]));
    let raw = raw_query(&request).expect("query present");
    assert!(
        !raw.contains('&') && !raw.contains('#') && !raw.contains(' '),
        "{raw}"
    );
}

#[tokio::test]
async fn create_discovery_session_decodes_every_documented_error_status() {
    assert_error_family(
        "createDiscoverySession",
        &[400, 401, 403, 404, 413, 429, 500, 503],
        async |c| {
            c.create_discovery_session()
                .unit(UNIT)
                .body(create_request())
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn create_discovery_session_bad_request_decodes_type_and_message() {
    let server = serve_any_path("POST", spec_example("createDiscoverySession", 400)).await;

    let error = expect_error_response(
        client(&server)
            .create_discovery_session()
            .unit(UNIT)
            .body(create_request())
            .send()
            .await,
    );

    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.type_, "BAD_REQUEST");
    assert_eq!(
        error.message,
        "The request is malformed or is missing any required parameters."
    );
}

#[tokio::test]
async fn create_discovery_session_rejects_an_empty_unit_before_sending() {
    let server = MockServer::start().await;
    let result = client(&server)
        .create_discovery_session()
        .unit("")
        .body(create_request())
        .send()
        .await;
    assert_rejected_before_sending(&server, result, "unit").await;

    let result = client(&server)
        .create_discovery_session()
        .body(create_request())
        .send()
        .await;
    assert_rejected_before_sending(&server, result, "unit").await;
}

// ---------------------------------------------------------------------------------------------
// getDiscoverySession
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_discovery_session_gets_the_session_path() {
    let server = serve(
        "GET",
        session_path(),
        spec_example("getDiscoverySession", 200),
    )
    .await;

    client(&server)
        .get_discovery_session()
        .id(SESSION_ID)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_request_line(&request, "GET", &session_path(), None);
    assert_standard_headers(&request, "application/json");
    assert_no_body(&request);
}

#[tokio::test]
async fn get_discovery_session_decodes_the_page_example() {
    let example = response_example("getDiscoverySession", 200, "application/json");
    let server = serve("GET", session_path(), json_response(200, &example)).await;

    let session = client(&server)
        .get_discovery_session()
        .id(SESSION_ID)
        .send()
        .await
        .expect("200 decodes")
        .into_inner();

    assert_eq!(
        session.status.value,
        DiscoverySessionStatusValue::InProgress
    );
    assert_eq!(serde_json::to_value(&session).unwrap(), example);
}

#[tokio::test]
async fn get_discovery_session_decodes_an_unknown_status_value() {
    let body = json!({"status": {"value": "SOMETHING_NEW"}});
    let server = serve("GET", session_path(), json_response(200, &body)).await;

    let session = client(&server)
        .get_discovery_session()
        .id(SESSION_ID)
        .send()
        .await
        .expect("an unknown value decodes")
        .into_inner();

    assert_eq!(
        session.status.value,
        DiscoverySessionStatusValue::Unknown("SOMETHING_NEW".to_owned())
    );
    assert_eq!(serde_json::to_value(&session).unwrap(), body);
}

#[tokio::test]
async fn get_discovery_session_percent_encodes_the_id() {
    let server = serve_any_path("GET", spec_example("getDiscoverySession", 200)).await;

    client(&server)
        .get_discovery_session()
        .id("a/b?c")
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_eq!(request.url.path(), "/v1/discoverySessions/a%2Fb%3Fc");
    assert_eq!(raw_query(&request), None);
}

#[tokio::test]
async fn get_discovery_session_decodes_every_documented_error_status() {
    assert_error_family(
        "getDiscoverySession",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| c.get_discovery_session().id(SESSION_ID).send().await,
    )
    .await;
}

#[tokio::test]
async fn get_discovery_session_not_found_decodes_type_and_message() {
    let server = serve_any_path("GET", spec_example("getDiscoverySession", 404)).await;

    let error = expect_error_response(
        client(&server)
            .get_discovery_session()
            .id(SESSION_ID)
            .send()
            .await,
    );

    assert_eq!(error.status().as_u16(), 404);
    assert_eq!(error.type_, "NOT_FOUND");
    assert_eq!(error.message, "The requested resource was not found.");
}

#[tokio::test]
async fn get_discovery_session_error_body_without_type_still_yields_status_and_message() {
    // Discovery answers `{type, message}`. A `{code, message}` body (the other family) lacks
    // the required `type`; the client still surfaces it as a typed error with the message,
    // and a `type` naming the HTTP status.
    let server = serve_any_path(
        "GET",
        json_response(403, &json!({"code": "FORBIDDEN", "message": "nope"})),
    )
    .await;

    let error = expect_error_response(
        client(&server)
            .get_discovery_session()
            .id(SESSION_ID)
            .send()
            .await,
    );

    assert_eq!(error.status().as_u16(), 403);
    assert_eq!(error.type_, "HTTP_403");
    assert_eq!(error.message, "nope");
}

#[tokio::test]
async fn get_discovery_session_rejects_an_empty_id_before_sending() {
    let server = MockServer::start().await;
    let result = client(&server).get_discovery_session().id("").send().await;
    assert_rejected_before_sending(&server, result, "id").await;
}

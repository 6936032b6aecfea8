//! Wire tests for Get Resource Schema (`resource-schema-api.txt`): the generated client sends
//! exactly the documented request to a mock server on loopback and decodes the page's example
//! and error bodies.

mod common;

use alexa_smapi::generated::types;
use common::*;
use serde_json::json;
use wiremock::MockServer;

#[tokio::test]
async fn get_resource_schema_for_manifest_sends_operation_and_vendor_id() {
    let server = serve(
        "GET",
        "/v1/skills/resourceSchema/manifest",
        spec_example("getResourceSchema", 200),
    )
    .await;

    client(&server)
        .get_resource_schema()
        .resource(types::SchemaResource::Manifest)
        .operation(types::SchemaOperation::CreateSkill)
        .vendor_id(VENDOR_ID)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_request_line(
        &request,
        "GET",
        "/v1/skills/resourceSchema/manifest",
        Some("operation=CREATE_SKILL&vendorId=MT25O3ZVSAXZOAX"),
    );
    assert_standard_headers(&request, "application/json");
    assert_no_body(&request);
}

#[tokio::test]
async fn get_resource_schema_for_package_structure_sends_only_vendor_id() {
    let server = serve(
        "GET",
        "/v1/skills/resourceSchema/skillPackageStructure",
        spec_example("getResourceSchema", 200),
    )
    .await;

    client(&server)
        .get_resource_schema()
        .resource(types::SchemaResource::SkillPackageStructure)
        .vendor_id(VENDOR_ID)
        .send()
        .await
        .expect("200 decodes");

    let request = single_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/v1/skills/resourceSchema/skillPackageStructure"
    );
    assert_eq!(query_pairs(&request), pairs(&[("vendorId", VENDOR_ID)]));
}

#[tokio::test]
async fn get_resource_schema_sends_every_documented_operation_verbatim() {
    let operations = spec()["components"]["schemas"]["SchemaOperation"]["enum"]
        .as_array()
        .expect("SchemaOperation is an enum")
        .clone();
    assert_eq!(operations.len(), 4);
    for operation in operations {
        let wire = operation.as_str().expect("string enum");
        let server = serve(
            "GET",
            "/v1/skills/resourceSchema/manifest",
            spec_example("getResourceSchema", 200),
        )
        .await;
        let typed: types::SchemaOperation =
            serde_json::from_value(operation.clone()).expect("documented operation decodes");

        client(&server)
            .get_resource_schema()
            .resource(types::SchemaResource::Manifest)
            .operation(typed)
            .vendor_id(VENDOR_ID)
            .send()
            .await
            .expect("200 decodes");

        let request = single_request(&server).await;
        assert_eq!(
            query_pairs(&request),
            pairs(&[("operation", wire), ("vendorId", VENDOR_ID)])
        );
    }
}

#[tokio::test]
async fn get_resource_schema_decodes_the_page_example() {
    let example = response_example("getResourceSchema", 200, "application/json");
    let server = serve(
        "GET",
        "/v1/skills/resourceSchema/manifest",
        json_response(200, &example),
    )
    .await;

    let location = client(&server)
        .get_resource_schema()
        .resource(types::SchemaResource::Manifest)
        .operation(types::SchemaOperation::SubmitSkill)
        .vendor_id(VENDOR_ID)
        .send()
        .await
        .expect("200 decodes")
        .into_inner();

    assert_eq!(location.schema_location_url, "https://example.com");
    assert_eq!(
        location.expiry_time.timestamp_millis(),
        1_603_953_515_549 // 2020-10-29T06:38:35.549Z
    );
    assert_eq!(serde_json::to_value(&location).unwrap(), example);
}

#[tokio::test]
async fn get_resource_schema_without_expiry_time_is_an_invalid_payload() {
    let server = serve_any_path(
        "GET",
        json_response(200, &json!({"schemaLocationUrl": "https://example.com"})),
    )
    .await;

    let result = client(&server)
        .get_resource_schema()
        .resource(types::SchemaResource::SkillPackageStructure)
        .vendor_id(VENDOR_ID)
        .send()
        .await;

    match result {
        Err(progenitor_client::Error::InvalidResponsePayload(_, e)) => {
            assert!(e.to_string().contains("expiryTime"), "{e}")
        }
        other => panic!("expected InvalidResponsePayload, got {other:?}"),
    }
}

#[tokio::test]
async fn get_resource_schema_decodes_every_documented_error_status() {
    assert_error_family(
        "getResourceSchema",
        &[400, 401, 403, 404, 429, 500, 503],
        async |c| {
            c.get_resource_schema()
                .resource(types::SchemaResource::Manifest)
                .operation(types::SchemaOperation::UpdateSkill)
                .vendor_id(VENDOR_ID)
                .send()
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn get_resource_schema_bad_request_decodes_code_and_message() {
    let server = serve_any_path("GET", spec_example("getResourceSchema", 400)).await;

    let error = expect_error_response(
        client(&server)
            .get_resource_schema()
            .resource(types::SchemaResource::Manifest)
            .vendor_id(VENDOR_ID)
            .send()
            .await,
    );

    assert_eq!(error.status().as_u16(), 400);
    assert_eq!(error.code.as_deref(), Some("INVALID_STRING_LENGTH"));
    assert_eq!(error.message, "The property is outside the allowed range.");
}

#[tokio::test]
async fn get_resource_schema_rejects_missing_or_bad_vendor_id_and_resource_before_sending() {
    let server = MockServer::start().await;
    let result = client(&server)
        .get_resource_schema()
        .resource(types::SchemaResource::Manifest)
        .operation(types::SchemaOperation::CreateSkill)
        .send()
        .await;
    assert_rejected_before_sending(&server, result, "vendor_id").await;

    let result = client(&server)
        .get_resource_schema()
        .resource("interactionModel")
        .vendor_id(VENDOR_ID)
        .send()
        .await;
    assert_rejected_before_sending(&server, result, "resource").await;
}

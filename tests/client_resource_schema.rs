//! Resource schema: the presigned fetch carries no Authorization header, honours the URL's
//! expiry, and manifests are validated locally with violations as JSON pointers.

mod client_support;

use std::time::Duration;

use alexa_smapi::types::{SchemaOperation, SchemaResource};
use alexa_smapi_sim::Simulator;
use client_support::{client, manifest, sim};

#[tokio::test]
async fn the_presigned_schema_fetch_carries_no_authorization_and_validates_locally() {
    let sim = sim().await;
    let smapi = client(&sim);
    let schemas = smapi.resource_schema();
    let schema = schemas
        .fetch(SchemaResource::Manifest, Some(SchemaOperation::SubmitSkill))
        .await
        .unwrap();
    assert!(schema.expires_at > chrono::Utc::now());
    assert!(schema.document.is_object());
    let c = sim.counters();
    assert_eq!(c.operation("presignedSchema"), 1, "{c:?}");
    assert_eq!(
        c.presigned_with_authorization, 0,
        "the bearer token went to the presigned URL"
    );

    let good = schemas
        .validate_manifest(&manifest("valid"), SchemaOperation::SubmitSkill)
        .await
        .unwrap();
    assert!(good.is_valid(), "{good:?}");
    assert_eq!(
        sim.counters().operation("getResourceSchema"),
        1,
        "cached until expiry"
    );

    let bad: alexa_smapi::types::SkillManifest = serde_json::from_value(serde_json::json!({
        "manifestVersion": "1.0",
        "publishingInformation": {"locales": {"en-US": {"name": "n"}}}
    }))
    .unwrap();
    let report = schemas
        .validate_manifest(&bad, SchemaOperation::SubmitSkill)
        .await
        .unwrap();
    assert!(!report.is_valid());
    let pointers: Vec<&str> = report
        .violations
        .iter()
        .map(|v| v.pointer.as_str())
        .collect();
    assert!(
        pointers
            .iter()
            .any(|p| p.starts_with("/publishingInformation")),
        "{pointers:?}"
    );
    for v in &report.violations {
        assert!(
            v.pointer.is_empty() || v.pointer.starts_with('/'),
            "JSON pointer: {v:?}"
        );
        assert!(!v.message.is_empty());
    }
    let create = schemas
        .validate_manifest(&bad, SchemaOperation::CreateSkill)
        .await
        .unwrap();
    assert!(
        create.violations.len() < report.violations.len(),
        "submit is stricter than create"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_expired_schema_url_is_never_used_and_a_new_one_is_requested() {
    let sim = Simulator::builder()
        .schema_url_ttl(Duration::from_millis(1200))
        .start()
        .await
        .unwrap();
    let smapi = client(&sim);
    let schemas = smapi.resource_schema();
    schemas
        .fetch(SchemaResource::SkillPackageStructure, None)
        .await
        .unwrap();
    schemas
        .fetch(SchemaResource::SkillPackageStructure, None)
        .await
        .unwrap();
    assert_eq!(sim.counters().operation("getResourceSchema"), 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    schemas
        .fetch(SchemaResource::SkillPackageStructure, None)
        .await
        .unwrap();
    let c = sim.counters();
    assert_eq!(c.operation("getResourceSchema"), 2, "{c:?}");
    assert_eq!(c.operation("presignedSchema"), 2);
    sim.shutdown().await.unwrap();
}

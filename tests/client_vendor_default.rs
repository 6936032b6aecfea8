//! The configured vendor ID is the default for every call that needs one (create, list, list
//! by IDs, resource schema), on the wire against the simulator; a per-handle override wins;
//! with neither, the call is refused before anything is sent.

mod client_support;

use alexa_smapi::types::{SchemaOperation, SchemaResource};
use alexa_smapi::{Error, Smapi};
use alexa_smapi_sim::SimHandle;
use client_support::{builder, manifest, sim};
use futures::TryStreamExt;

/// A vendor other than the simulator's seeded one, so a pass cannot come from a default.
const OTHER: &str = "M2OTHERVENDOR7";

/// The `vendorId` query values of the recorded requests to `operation`.
fn vendor_queries(sim: &SimHandle, operation: &str) -> Vec<String> {
    sim.take_exchanges()
        .into_iter()
        .filter(|e| e.operation == operation)
        .map(|e| {
            let query = e.path.split_once('?').map(|(_, q)| q).unwrap_or_default();
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("vendorId="))
                .unwrap_or("<none>")
                .to_owned()
        })
        .collect()
}

fn client_for(sim: &SimHandle, token_vendor: &str, configured: Option<&str>) -> Smapi {
    let b = match configured {
        Some(v) => builder(sim).vendor_id(v),
        None => Smapi::builder().base_url(sim.url()),
    };
    b.access_token(sim.issue_access_token(token_vendor))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn every_call_that_needs_a_vendor_sends_the_configured_one() {
    let sim = sim().await;
    sim.set_recording(true);
    let smapi = client_for(&sim, OTHER, Some(OTHER));

    // The simulator answers 403 when the body's vendorId is not the token's vendor.
    let created = smapi.skills().create(manifest("mine")).await.unwrap();
    smapi
        .skills()
        .wait_until_built(&created.skill_id)
        .await
        .unwrap();
    sim.take_exchanges();

    let listed: Vec<_> = smapi.skills().list().stream().try_collect().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].skill_id, created.skill_id);
    assert_eq!(vendor_queries(&sim, "listSkillsForVendor"), [OTHER]);

    let by_id: Vec<_> = smapi
        .skills()
        .list_by_ids([&created.skill_id])
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(vendor_queries(&sim, "listSkillsForVendor"), [OTHER]);

    smapi
        .resource_schema()
        .location(SchemaResource::Manifest, Some(SchemaOperation::CreateSkill))
        .await
        .unwrap();
    assert_eq!(vendor_queries(&sim, "getResourceSchema"), [OTHER]);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_vendor_named_on_the_handle_overrides_the_configured_one() {
    let sim = sim().await;
    sim.set_recording(true);
    // Configured for OTHER, but the token is the simulator's seeded vendor's.
    let mine = sim.default_vendor_id().to_owned();
    let smapi = client_for(&sim, &mine, Some(OTHER));

    // Without the override the configured vendor goes out, and the server refuses it.
    let refused = smapi
        .skills()
        .create(manifest("refused"))
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(403), "{refused}");
    assert!(refused.to_string().contains(OTHER), "{refused}");
    let refused = smapi
        .skills()
        .list()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(401), "{refused}");
    assert!(refused.to_string().contains(OTHER), "{refused}");
    assert_eq!(vendor_queries(&sim, "listSkillsForVendor"), [OTHER]);

    let skills = smapi.skills().vendor_id(&mine);
    let created = skills.create(manifest("override")).await.unwrap();
    let listed: Vec<_> = skills.list().stream().try_collect().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].skill_id, created.skill_id);
    assert_eq!(vendor_queries(&sim, "listSkillsForVendor"), [mine.as_str()]);

    smapi
        .resource_schema()
        .vendor_id(&mine)
        .location(SchemaResource::Manifest, Some(SchemaOperation::CreateSkill))
        .await
        .unwrap();
    assert_eq!(vendor_queries(&sim, "getResourceSchema"), [mine.as_str()]);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_no_vendor_configured_or_given_nothing_is_sent() {
    let sim = sim().await;
    let smapi = client_for(&sim, sim.default_vendor_id(), None);
    assert_eq!(smapi.vendor_id(), None);
    let before = sim.counters().requests_total;

    let errors = [
        smapi
            .skills()
            .create(manifest("nobody"))
            .await
            .map(|_| ())
            .unwrap_err(),
        smapi
            .skills()
            .list()
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .map(|_| ())
            .unwrap_err(),
        smapi
            .skills()
            .list_by_ids(["amzn1.ask.skill.1"])
            .try_collect::<Vec<_>>()
            .await
            .map(|_| ())
            .unwrap_err(),
        smapi
            .resource_schema()
            .fetch(SchemaResource::SkillPackageStructure, None)
            .await
            .map(|_| ())
            .unwrap_err(),
    ];
    for e in errors {
        assert!(
            matches!(e, Error::Validation { field: "vendorId", ref rule } if rule.contains("ASK_VENDOR_ID")),
            "{e:?}"
        );
    }
    assert_eq!(sim.counters().requests_total, before);
    sim.shutdown().await.unwrap();
}

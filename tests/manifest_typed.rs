//! Manifests built in typed Rust, validated before the network, and kept intact on the wire:
//! against the simulator over loopback.

mod client_support;

use alexa_smapi::manifest::{Interface, InterfaceType, PermissionName, SslCertificateType};
use alexa_smapi::types::{SkillEndpoint, SkillManifest};
use alexa_smapi::{Error, Stage};
use client_support::{client, sim};

/// The README's custom skill: HTTPS endpoint, two locales, two interfaces, a permission.
fn typed_manifest() -> SkillManifest {
    let mut m = SkillManifest::new();
    m.custom_mut().endpoint = Some(SkillEndpoint::https(
        "https://skill.example.com/alexa",
        SslCertificateType::Wildcard,
    ));
    m.custom_mut()
        .add_interface(InterfaceType::AudioPlayer)
        .add_interface(InterfaceType::AlexaPresentationApl);
    m.add_permission(PermissionName::AlexaHouseholdListsRead);
    for (locale, name) in [("en-US", "Space Facts"), ("de-DE", "Weltraumfakten")] {
        let listing = m.locale_mut(locale);
        listing.name = Some(name.into());
        listing.summary = Some("A fact about space.".into());
        listing.description = Some("Facts about space, one at a time.".into());
        listing.example_phrases = Some(vec!["Alexa, open space facts".into()]);
    }
    m
}

fn invalid_manifest() -> SkillManifest {
    let mut m = typed_manifest();
    m.locale_mut("en-US").summary = Some("s".repeat(161));
    m.locale_mut("de-DE").name = Some("W".into());
    m.publishing_mut().distribution_countries = Some(vec!["usa".into()]);
    m.custom_mut().endpoint = Some(SkillEndpoint::lambda("my-function"));
    m
}

const INVALID_POINTERS: [&str; 4] = [
    "/apis/custom/endpoint/uri",
    "/publishingInformation/distributionCountries/0",
    "/publishingInformation/locales/de-DE/name",
    "/publishingInformation/locales/en-US/summary",
];

#[test]
fn the_typed_manifest_is_the_json_amazon_documents() {
    let json = serde_json::to_value(typed_manifest()).unwrap();
    assert_eq!(json["manifestVersion"], "1.0");
    assert_eq!(
        json["apis"]["custom"]["endpoint"],
        serde_json::json!({"uri": "https://skill.example.com/alexa", "sslCertificateType": "Wildcard"})
    );
    assert_eq!(
        json["apis"]["custom"]["interfaces"],
        serde_json::json!([{"type": "AUDIO_PLAYER"}, {"type": "ALEXA_PRESENTATION_APL"}])
    );
    assert_eq!(
        json["permissions"],
        serde_json::json!([{"name": "alexa::household:lists:read"}])
    );
    assert_eq!(
        json["publishingInformation"]["locales"]["de-DE"]["name"],
        "Weltraumfakten"
    );
    assert!(alexa_smapi::manifest::validate(&typed_manifest()).is_valid());
}

#[test]
fn validation_lists_every_violation_with_its_pointer() {
    let report = alexa_smapi::manifest::validate(&invalid_manifest());
    let pointers: Vec<&str> = report
        .violations
        .iter()
        .map(|v| v.pointer.as_str())
        .collect();
    assert_eq!(pointers, INVALID_POINTERS);
}

#[tokio::test]
async fn create_and_update_reject_an_invalid_manifest_before_the_network() {
    let sim = sim().await;
    let smapi = client(&sim);
    let created = smapi.skills().create(invalid_manifest()).await;
    let updated = smapi
        .skills()
        .update_manifest("amzn1.ask.skill.any", &invalid_manifest())
        .await;
    for result in [created.map(|_| ()), updated.map(|_| ())] {
        match result {
            Err(Error::Validation { field, rule }) => {
                assert_eq!(field, "manifest");
                assert!(rule.starts_with("4 violations: "), "{rule}");
                for pointer in INVALID_POINTERS {
                    assert!(rule.contains(pointer), "{pointer} missing from {rule}");
                }
            }
            other => panic!("expected Error::Validation, got {other:?}"),
        }
    }
    assert_eq!(
        sim.counters().requests_total,
        0,
        "nothing reached the simulator"
    );
}

#[tokio::test]
async fn skip_validation_sends_the_manifest_anyway() {
    let sim = sim().await;
    let smapi = client(&sim);
    let _ = smapi
        .skills()
        .create(invalid_manifest())
        .skip_validation()
        .await;
    assert_eq!(sim.counters().requests_total, 1, "the create was sent");
}

#[tokio::test]
async fn a_typed_manifest_and_an_unknown_interface_survive_create_get_modify_get() {
    let sim = sim().await;
    let smapi = client(&sim);
    let skills = smapi.skills();
    let mut m = typed_manifest();
    // An interface kind newer than the spec, with a setting of its own.
    let unknown: Interface =
        serde_json::from_value(serde_json::json!({"type": "QUANTUM_DISPLAY", "qubits": 3}))
            .unwrap();
    assert!(!unknown.is_known());
    m.custom_mut().interfaces.as_mut().unwrap().push(unknown);
    let created = skills.create(m.clone()).await.unwrap();
    skills.wait_until_built(&created.skill_id).await.unwrap();

    let read = skills
        .manifest(&created.skill_id, Stage::Development)
        .await
        .unwrap();
    assert_eq!(*read.manifest, m, "the manifest came back as sent");
    let kinds: Vec<&str> = read
        .manifest
        .apis
        .as_ref()
        .unwrap()
        .custom
        .as_ref()
        .unwrap()
        .interfaces
        .iter()
        .flatten()
        .map(Interface::kind)
        .collect();
    assert_eq!(
        kinds,
        ["AUDIO_PLAYER", "ALEXA_PRESENTATION_APL", "QUANTUM_DISPLAY"]
    );

    skills
        .modify_manifest(&created.skill_id, |m| {
            m.locales_mut()
                .for_each(|(_, l)| l.name = Some("Renamed".to_owned()));
        })
        .await
        .unwrap();
    let after = skills
        .manifest(&created.skill_id, Stage::Development)
        .await
        .unwrap();
    assert!(
        after
            .manifest
            .locales()
            .all(|(_, l)| l.name.as_deref() == Some("Renamed"))
    );
    let json = serde_json::to_value(&after.manifest).unwrap();
    assert_eq!(
        json["apis"]["custom"]["interfaces"][2],
        serde_json::json!({"type": "QUANTUM_DISPLAY", "qubits": 3})
    );
}

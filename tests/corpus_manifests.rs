//! The typed manifest against real `skill.json` files from public repositories
//! (`tests/fixtures/skills/`, sources in `SOURCES.tsv`: repository, commit and path of each).
//!
//! - every file decodes into `SkillManifest` and encodes back to exactly the same JSON;
//! - every file that is a valid manifest passes local validation, and each file this corpus
//!   knows to be invalid fails it, at the JSON pointer and for the reason listed in `REJECTED`;
//! - a report prints the share of the corpus's distinct leaf paths the spec names, which must
//!   stay at 90% or more.
//!
//! `cargo test --test corpus_manifests -- --nocapture` shows the report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use alexa_smapi::types::{SkillManifest, SkillManifestEnvelope};
use serde_json::Value;

/// Files that are not valid manifests as they stand, with the pointer and a word of the
/// message local validation must report, and why the file is that way.
const REJECTED: &[(&str, &str, &str, &str)] = &[
    // (file, pointer, message contains, why)
    (
        "1luvc0d3--alexa-discogs-explorer.json",
        "/apis/custom/endpoint/uri",
        "does not match",
        "ASK CLI placeholder: a handler name (`index.handler`) where the CLI puts the Lambda ARN at deploy",
    ),
    (
        "AJLange--Alexa-Eorzea.json",
        "/apis/custom/endpoint/uri",
        "does not match",
        "ASK CLI placeholder: a function name instead of an ARN",
    ),
    (
        "AdonousTech--udemy-ask-v2-barebones-starter.json",
        "/apis/custom/endpoint/uri",
        "does not match",
        "ASK CLI placeholder: empty uri, filled at deploy",
    ),
    (
        "EricWiener--alexa-typescript-starter.json",
        "/apis/custom/endpoint",
        "required",
        "ASK CLI 1 project: endpoint has only `sourceDir`, the CLI adds `uri` at deploy",
    ),
    (
        "StefanOltmann--alexa-skill-sample-kotlin-smarthome-rest-api.json",
        "/apis/smartHome/endpoint",
        "required",
        "template: smart home endpoint without `uri`, to be filled in by the reader",
    ),
    (
        "alexa-samples--skill-sample-nodejs-audio-player.json",
        "/apis/custom/endpoint/uri",
        "does not match",
        "ASK CLI placeholder: empty uri, filled at deploy",
    ),
    (
        "alexa-samples--skill-sample-nodejs-smarthome-switch.json",
        "/apis/smartHome/endpoint",
        "required",
        "ASK CLI 1 project: endpoint has only `sourceDir`",
    ),
    (
        "alexa-samples--skill-sample-python-smarthome-sandbox--lambda-smarthome.json",
        "/apis/smartHome/endpoint/uri",
        "does not match",
        "template: `SkillLambda` placeholder where the Lambda ARN goes",
    ),
    (
        "alexa-samples--skill-sample-python-smarthome-sandbox--lambda-smarthome.json",
        "/apis/smartHome/regions/NA/endpoint/uri",
        "does not match",
        "template: `SkillLambda` placeholder where the Lambda ARN goes",
    ),
    (
        "alexa-smart-properties--skill-sample-nodejs-smart-home.json",
        "/apis/smartHome/endpoint/uri",
        "does not match",
        "template: `<ID of your AWS Lambda instance>` placeholder",
    ),
    (
        "jhofker--alexa-lists-event-forwarder.json",
        "/events",
        "required",
        "ASK CLI project: `events` without `endpoint`, which the CLI fills with the deployed Lambda",
    ),
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/skills")
}

/// (file name, the manifest object) for every corpus file. ASK CLI 1 files wrap the manifest
/// in `skillManifest`, ASK CLI 2 files in `manifest`.
fn corpus() -> Vec<(String, Value)> {
    let mut files: Vec<(String, Value)> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).expect("readable");
            let doc: Value = serde_json::from_str(&text).expect("corpus file is JSON");
            let manifest = doc
                .get("manifest")
                .or_else(|| doc.get("skillManifest"))
                .unwrap_or_else(|| panic!("{name}: no manifest"))
                .clone();
            (name, manifest)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[test]
fn the_corpus_is_large_and_varied_and_every_file_has_a_source() {
    let files = corpus();
    assert!(files.len() >= 50, "corpus has {} files", files.len());
    let sources = std::fs::read_to_string(corpus_dir().join("SOURCES.tsv")).expect("SOURCES.tsv");
    let rows: BTreeMap<&str, Vec<&str>> = sources
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0], cols)
        })
        .collect();
    for (name, _) in &files {
        let row = rows
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{name} is not in SOURCES.tsv"));
        assert!(row[1].contains('/'), "{name}: repository `owner/name`");
        assert_eq!(row[2].len(), 40, "{name}: commit is a full hash");
        assert!(row[3].ends_with("skill.json"), "{name}: path");
    }
    let kinds: BTreeSet<String> = files
        .iter()
        .flat_map(|(_, m)| {
            m.get("apis")
                .and_then(Value::as_object)
                .map(|a| a.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect();
    for kind in [
        "custom",
        "smartHome",
        "video",
        "flashBriefing",
        "householdList",
    ] {
        assert!(kinds.contains(kind), "no {kind} skill in the corpus");
    }
}

#[test]
fn every_corpus_manifest_round_trips_losslessly() {
    for (name, manifest) in corpus() {
        let typed: SkillManifest = serde_json::from_value(manifest.clone())
            .unwrap_or_else(|e| panic!("{name}: does not decode: {e}"));
        let back = serde_json::to_value(&typed).expect("encodes");
        assert_eq!(back, manifest, "{name}: changed on the round trip");
        // And as the body of getSkillManifest / updateSkillManifest.
        let envelope = serde_json::json!({ "manifest": manifest });
        let typed: SkillManifestEnvelope =
            serde_json::from_value(envelope.clone()).expect("envelope decodes");
        assert_eq!(serde_json::to_value(&typed).unwrap(), envelope, "{name}");
    }
}

#[test]
fn every_valid_corpus_manifest_passes_local_validation() {
    let mut unexpected = Vec::new();
    for (name, manifest) in corpus() {
        let typed: SkillManifest = serde_json::from_value(manifest).expect("decodes");
        let report = alexa_smapi::manifest::validate(&typed);
        let expected: Vec<_> = REJECTED.iter().filter(|r| r.0 == name).collect();
        if expected.is_empty() {
            if !report.is_valid() {
                unexpected.push(format!("{name}: {:?}", report.violations));
            }
            continue;
        }
        for (_, pointer, words, why) in expected {
            assert!(
                report
                    .violations
                    .iter()
                    .any(|v| v.pointer == *pointer && v.message.contains(words)),
                "{name}: expected a violation at {pointer} ({why}), got {:?}",
                report.violations
            );
        }
        for v in &report.violations {
            assert!(
                REJECTED
                    .iter()
                    .any(|r| r.0 == name && r.1 == v.pointer && v.message.contains(r.2)),
                "{name}: violation not listed in REJECTED: {} {}",
                v.pointer,
                v.message
            );
        }
    }
    assert!(
        unexpected.is_empty(),
        "valid manifests rejected:\n{}",
        unexpected.join("\n")
    );
}

/// The spec's `components.schemas`, as JSON.
fn spec_schemas() -> serde_json::Map<String, Value> {
    let spec: Value = serde_norway::from_str(alexa_smapi::spec::YAML).expect("spec parses");
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .expect("components.schemas")
}

fn resolve<'a>(schemas: &'a serde_json::Map<String, Value>, mut node: &'a Value) -> &'a Value {
    while let Some(target) = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        node = &schemas[target];
    }
    node
}

/// Walks `value` beside `schema` (None: the spec does not name this part) and records each
/// leaf path (map keys as `*`, array items as `[]`) with whether the spec names it.
fn walk(
    schemas: &serde_json::Map<String, Value>,
    schema: Option<&Value>,
    value: &Value,
    path: String,
    out: &mut BTreeMap<String, bool>,
) {
    let schema = schema.map(|s| resolve(schemas, s));
    // A union: pick the member the discriminator names, if it names one.
    let schema = match schema {
        Some(s) if s.get("oneOf").is_some() => {
            let property = s
                .pointer("/discriminator/propertyName")
                .and_then(Value::as_str);
            let kind = property.and_then(|p| value.get(p)).and_then(Value::as_str);
            kind.and_then(|k| s.pointer(&format!("/discriminator/mapping/{k}")))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(|target| &schemas[target])
        }
        other => other,
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let property = schema.and_then(|s| s.pointer(&format!("/properties/{key}")));
                let map_values = schema
                    .and_then(|s| s.get("additionalProperties"))
                    .filter(|a| a.as_object().is_some_and(|o| !o.is_empty()));
                match (property, map_values) {
                    (Some(p), _) => walk(schemas, Some(p), child, format!("{path}.{key}"), out),
                    (None, Some(v)) => walk(schemas, Some(v), child, format!("{path}.*"), out),
                    (None, None) => walk(schemas, None, child, format!("{path}.{key}"), out),
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let item = schema.and_then(|s| s.get("items"));
            for child in items {
                walk(schemas, item, child, format!("{path}[]"), out);
            }
        }
        _ => {
            let named = out.entry(path).or_insert(false);
            *named |= schema.is_some();
        }
    }
}

#[test]
fn the_spec_names_at_least_90_percent_of_the_corpus_leaf_paths() {
    let schemas = spec_schemas();
    let root = serde_json::json!({"$ref": "#/components/schemas/SkillManifest"});
    let mut paths = BTreeMap::new();
    let files = corpus();
    for (_, manifest) in &files {
        walk(&schemas, Some(&root), manifest, String::new(), &mut paths);
    }
    let named = paths.values().filter(|n| **n).count();
    let share = named as f64 / paths.len() as f64;
    println!(
        "corpus: {} manifests, {} distinct leaf paths, {} named by the spec ({:.1}%)",
        files.len(),
        paths.len(),
        named,
        share * 100.0
    );
    for (path, _) in paths.iter().filter(|(_, n)| !**n) {
        println!("  not in the spec: {path}");
    }
    assert!(
        share >= 0.90,
        "the spec names {:.1}% of leaf paths",
        share * 100.0
    );
}

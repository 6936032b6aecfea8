//! Every parameter the spec gives an operation (path, query, header, and each top-level body
//! field) has a flag on the operation's subcommand. The table below maps them; a parameter
//! added to `openapi/smapi.yaml` without a flag (or a row for one that is gone) fails here,
//! and so does a flag that `smapi <command> --help` does not show.

mod common;

use std::collections::BTreeSet;

use serde_json::Value;

/// (operationId, parameter or body field, subcommand, flags)
const FLAGS: &[(&str, &str, &str, &[&str])] = &[
    (
        "createSkillForVendor",
        "vendorId",
        "create-skill-for-vendor",
        &["--vendor-id"],
    ),
    (
        "createSkillForVendor",
        "manifest",
        "create-skill-for-vendor",
        &["--manifest"],
    ),
    (
        "createSkillForVendor",
        "hosting",
        "create-skill-for-vendor",
        &["--hosting-runtime", "--hosting-region"],
    ),
    (
        "listSkillsForVendor",
        "vendorId",
        "list-skills-for-vendor",
        &["--vendor-id"],
    ),
    (
        "listSkillsForVendor",
        "skillId",
        "list-skills-for-vendor",
        &["--skill-id"],
    ),
    (
        "listSkillsForVendor",
        "maxResults",
        "list-skills-for-vendor",
        &["--max-results"],
    ),
    (
        "listSkillsForVendor",
        "nextToken",
        "list-skills-for-vendor",
        &["--next-token"],
    ),
    (
        "getSkillManifest",
        "skillId",
        "get-skill-manifest",
        &["--skill-id"],
    ),
    (
        "getSkillManifest",
        "stage",
        "get-skill-manifest",
        &["--stage"],
    ),
    (
        "updateSkillManifest",
        "skillId",
        "update-skill-manifest",
        &["--skill-id"],
    ),
    (
        "updateSkillManifest",
        "stage",
        "update-skill-manifest",
        &["--stage"],
    ),
    (
        "updateSkillManifest",
        "If-Match",
        "update-skill-manifest",
        &["--if-match"],
    ),
    (
        "updateSkillManifest",
        "manifest",
        "update-skill-manifest",
        &["--manifest"],
    ),
    (
        "getSkillStatus",
        "skillId",
        "get-skill-status",
        &["--skill-id"],
    ),
    (
        "getSkillStatus",
        "resource",
        "get-skill-status",
        &["--resource"],
    ),
    ("deleteSkill", "skillId", "delete-skill", &["--skill-id"]),
    (
        "getSkillPublication",
        "skillId",
        "get-skill-publication",
        &["--skill-id"],
    ),
    (
        "getSkillPublication",
        "Accept-Language",
        "get-skill-publication",
        &["--accept-language"],
    ),
    ("publishSkill", "skillId", "publish-skill", &["--skill-id"]),
    (
        "publishSkill",
        "Accept-Language",
        "publish-skill",
        &["--accept-language"],
    ),
    (
        "publishSkill",
        "publishesAtDate",
        "publish-skill",
        &["--publishes-at-date"],
    ),
    (
        "unpublishSkill",
        "skillId",
        "unpublish-skill",
        &["--skill-id"],
    ),
    (
        "unpublishSkill",
        "Accept-Language",
        "unpublish-skill",
        &["--accept-language"],
    ),
    ("unpublishSkill", "type", "unpublish-skill", &["--type"]),
    ("unpublishSkill", "reason", "unpublish-skill", &["--reason"]),
    (
        "getResourceSchema",
        "resource",
        "get-resource-schema",
        &["--resource"],
    ),
    (
        "getResourceSchema",
        "vendorId",
        "get-resource-schema",
        &["--vendor-id"],
    ),
    (
        "getResourceSchema",
        "operation",
        "get-resource-schema",
        &["--operation"],
    ),
    (
        "createDiscoverySession",
        "unit",
        "create-discovery-session",
        &["--unit"],
    ),
    (
        "createDiscoverySession",
        "endpointReporter",
        "create-discovery-session",
        &["--skill-id", "--stage"],
    ),
    (
        "getDiscoverySession",
        "id",
        "get-discovery-session",
        &["--id"],
    ),
];

fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {r}")),
        None => v,
    }
}

/// (operationId, name) of every parameter and top-level body field in the spec.
fn spec_parameters() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/smapi.yaml"
    ))
    .unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let mut found = BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for op in item.as_object().unwrap().values() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let own = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in shared.iter().chain(&own) {
                let p = resolve(&spec, p);
                found.insert((id.to_owned(), p["name"].as_str().unwrap().to_owned()));
            }
            if let Some(body) = op.get("requestBody") {
                let schema = resolve(
                    &spec,
                    &resolve(&spec, body)["content"]["application/json"]["schema"],
                );
                for name in schema["properties"].as_object().unwrap().keys() {
                    found.insert((id.to_owned(), name.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn every_spec_parameter_has_a_flag() {
    let in_spec = spec_parameters();
    let in_table: BTreeSet<(String, String)> = FLAGS
        .iter()
        .map(|(op, name, _, _)| (op.to_string(), name.to_string()))
        .collect();
    let missing: Vec<_> = in_spec.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_spec).collect();
    assert!(
        missing.is_empty(),
        "spec parameters without a flag: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for parameters the spec no longer has: {stale:?}"
    );
    assert_eq!(in_spec.len(), FLAGS.len());

    let home = tempfile::tempdir().unwrap();
    let mut helps = std::collections::BTreeMap::new();
    for (op, name, command, flags) in FLAGS {
        let help = helps.entry(*command).or_insert_with(|| {
            let mut c = common::bare(home.path());
            c.args([command, "--help"]);
            common::stdout(&common::run(c))
        });
        for flag in *flags {
            assert!(
                help.contains(&format!("{flag} <")) || help.contains(&format!("{flag}\n")),
                "`smapi {command} --help` shows no {flag} (for {op} {name}):\n{help}"
            );
        }
    }
}

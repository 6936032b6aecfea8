//! Bad input is refused before anything leaves the machine: each row of the table fails with
//! its exit code and a message naming the input, and the simulator counts no request at all.

mod common;

use common::{Sim, code, error_json, run, stderr};

#[test]
fn bad_input_never_reaches_the_network() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifest = common::write_sample(d, "Fine").display().to_string();
    let write = |name: &str, text: &str| {
        let p = d.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let not_json = write("not-json.json", "{ this is not json");
    let array = write("array.json", "[1, 2]");
    let wrong_type = write("wrong-type.json", r#"{"manifest": {"manifestVersion": 1}}"#);
    let extra_top = write("extra.json", r#"{"manifest": {}, "skillManifest": {}}"#);
    let bad_etag = write("bad-etag.json", r#"{"manifest": {}, "etag": 7}"#);
    let bad_patch = write("bad-patch.json", r#"[{"op": "frobnicate", "path": "/x"}]"#);
    let missing = d.join("missing.json").display().to_string();
    let long_id = "x".repeat(256);
    let s = "amzn1.ask.skill.1";

    // (arguments, exit code, a word the message must contain)
    let table: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["get-skill-manifest", "-s", ""], 3, "skillId"),
        (vec!["get-skill-manifest", "-s", &long_id], 3, "skillId"),
        (vec!["get-skill-manifest", "-s", "amzn1\u{7}"], 3, "control"),
        (
            vec!["get-skill-manifest", "-s", s, "-g", "Live"],
            3,
            "stage",
        ),
        (vec!["get-skill-status", "-s", ""], 3, "skillId"),
        (
            vec!["get-skill-status", "-s", s, "--resource", "icons"],
            3,
            "--resource",
        ),
        (
            vec!["list-skills-for-vendor", "--next-token", ""],
            3,
            "nextToken",
        ),
        (
            vec![
                "get-skill-publication",
                "-s",
                s,
                "--accept-language",
                "fr-FR",
            ],
            3,
            "Accept-Language",
        ),
        (
            vec!["publish-skill", "-s", s, "--accept-language", "*"],
            3,
            "Accept-Language",
        ),
        (
            vec![
                "unpublish-skill",
                "-s",
                s,
                "--type",
                "HIDE",
                "--reason",
                "Other",
                "--accept-language",
                "en",
            ],
            3,
            "Accept-Language",
        ),
        (
            vec![
                "create-skill-for-vendor",
                "--manifest",
                &manifest,
                "--hosting-runtime",
                "NODE_8_X",
            ],
            3,
            "--hosting-runtime",
        ),
        (
            vec![
                "create-skill-for-vendor",
                "--manifest",
                &manifest,
                "--hosting-region",
                "us-east-1",
            ],
            3,
            "--hosting-region",
        ),
        (vec!["delete-skill", "-s", ""], 3, "skillId"),
        (
            vec!["create-skill-for-vendor", "--manifest", &missing],
            3,
            "missing.json",
        ),
        (
            vec!["create-skill-for-vendor", "--manifest", &not_json],
            3,
            "not JSON",
        ),
        (
            vec!["create-skill-for-vendor", "--manifest", &array],
            3,
            "object",
        ),
        (
            vec!["create-skill-for-vendor", "--manifest", &wrong_type],
            3,
            "manifestVersion",
        ),
        (
            vec!["create-skill-for-vendor", "--manifest", &extra_top],
            3,
            "skillManifest",
        ),
        (
            vec![
                "create-skill-for-vendor",
                "--vendor-id",
                "",
                "--manifest",
                &manifest,
            ],
            3,
            "vendorId",
        ),
        (
            vec!["update-skill-manifest", "-s", s, "--manifest", &bad_etag],
            3,
            "etag",
        ),
        (
            vec![
                "update-skill-manifest",
                "-s",
                s,
                "-g",
                "live",
                "--manifest",
                &manifest,
            ],
            3,
            "stage",
        ),
        (
            vec![
                "update-skill-manifest",
                "-s",
                s,
                "--if-match",
                "\u{1}",
                "--manifest",
                &manifest,
            ],
            3,
            "If-Match",
        ),
        (
            vec!["patch-skill-manifest", "-s", s, "--patch", &bad_patch],
            3,
            "patch",
        ),
        (
            vec!["patch-skill-manifest", "-s", s, "--patch", &not_json],
            3,
            "not JSON",
        ),
        (
            vec!["list-skills-for-vendor", "--max-results", "0"],
            3,
            "maxResults",
        ),
        (
            vec!["list-skills-for-vendor", "--max-results", "51"],
            3,
            "maxResults",
        ),
        (
            vec!["list-skills-for-vendor", "--all", "--max-results", "51"],
            3,
            "maxResults",
        ),
        (vec!["list-skills-for-vendor", "-s", ""], 3, "skillId"),
        (
            vec![
                "publish-skill",
                "-s",
                s,
                "--publishes-at-date",
                "next tuesday",
            ],
            3,
            "RFC 3339",
        ),
        (
            vec![
                "publish-skill",
                "-s",
                s,
                "--publishes-at-date",
                "2999-01-01T00:00:00Z",
            ],
            3,
            "publishesAt",
        ),
        (
            vec![
                "unpublish-skill",
                "-s",
                s,
                "--type",
                "hide",
                "--reason",
                "Other",
            ],
            3,
            "type",
        ),
        (
            vec![
                "unpublish-skill",
                "-s",
                s,
                "--type",
                "HIDE",
                "--reason",
                "bored",
            ],
            3,
            "reason",
        ),
        (
            vec!["get-resource-schema", "--resource", "interactionModel"],
            3,
            "resource",
        ),
        (
            vec!["get-resource-schema", "--resource", "manifest"],
            3,
            "operation",
        ),
        (
            vec!["get-resource-schema", "--operation", "DELETE_SKILL"],
            3,
            "operation",
        ),
        (
            vec!["schema", "validate", &manifest, "--operation", "create"],
            3,
            "operation",
        ),
        (vec!["schema", "validate", &not_json], 3, "not JSON"),
        (
            vec!["create-discovery-session", "--unit", "", "-s", s],
            3,
            "unit",
        ),
        (
            vec![
                "create-discovery-session",
                "--unit",
                "u",
                "-s",
                s,
                "--country",
                "BR",
            ],
            3,
            "country",
        ),
        (
            vec![
                "create-discovery-session",
                "--unit",
                "u",
                "-s",
                s,
                "--region",
                "moon",
            ],
            3,
            "region",
        ),
        (
            vec![
                "create-discovery-session",
                "--unit",
                "u",
                "-s",
                s,
                "-g",
                "dev",
            ],
            3,
            "stage",
        ),
        (vec!["get-discovery-session", "--id", ""], 3, "id"),
        (
            vec!["--wait-timeout=-1", "get-skill-status", "-s", s],
            3,
            "wait-timeout",
        ),
        (
            vec!["--wait-timeout", "NaN", "get-skill-status", "-s", s],
            3,
            "wait-timeout",
        ),
        (vec!["get-skill-manifest"], 2, "--skill-id"),
        (vec!["unpublish-skill", "-s", s], 2, "--type"),
        (vec!["bogus"], 2, "bogus"),
    ];
    for (args, want, needle) in &table {
        let mut c = sim.smapi();
        c.args(args);
        let out = run(c);
        let err = stderr(&out);
        assert_eq!(code(&out), *want, "{args:?}\n{err}");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        let message = if *want == 2 {
            err.clone()
        } else {
            error_json(&out)["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        assert!(
            message.to_lowercase().contains(&needle.to_lowercase()),
            "{args:?}: message does not name {needle:?}: {message}"
        );
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
    assert_eq!(
        sim.requests(),
        0,
        "requests reached the simulator: {:?}",
        sim.handle.counters().by_operation
    );
}

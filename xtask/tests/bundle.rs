//! `cargo xtask bundle` run as a binary on the fixture spec.
//!
//! The HTML page needs the pinned Redocly CLI; `bundle` installs it itself
//! (`bash tools/spec-checks.sh --install-node`) when it is missing, as it is on a
//! fresh machine, and says so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixture_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/breaking/unchanged/base.yaml")
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-bundle-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bundle(spec: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["bundle", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run xtask")
}

fn tools_installed() -> bool {
    root()
        .join("tools/spec-tools/node_modules/.bin/redocly")
        .exists()
}

#[test]
fn bundle_writes_yaml_json_html_and_checksums() {
    let out = temp_dir("ok");
    // A stale file from an older version must not survive into the bundle.
    std::fs::write(out.join("smapi-0.9.0.json"), "{}").unwrap();
    let run = bundle(&fixture_spec(), &out);
    let stderr = String::from_utf8_lossy(&run.stderr);

    let had_tools = tools_installed();
    assert!(run.status.success(), "{stderr}");
    if !had_tools {
        assert!(
            stderr.contains("installing the spec tools"),
            "bundle must say it installs its tools: {stderr}"
        );
    }
    assert!(tools_installed(), "bundle installed the pinned Redocly CLI");

    let yaml_src = std::fs::read(fixture_spec()).unwrap();
    let yaml = std::fs::read(out.join("smapi-1.0.0.yaml")).unwrap();
    assert_eq!(yaml, yaml_src, "YAML must be the spec byte for byte");

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("smapi-1.0.0.json")).unwrap()).unwrap();
    let from_yaml: serde_json::Value = serde_norway::from_slice(&yaml_src).unwrap();
    assert_eq!(json, from_yaml, "JSON must be the same document");
    assert_eq!(json["info"]["version"], "1.0.0");

    let html = std::fs::read_to_string(out.join("smapi-1.0.0.html")).unwrap();
    assert!(html.contains("Breaking-change fixture"), "title missing");
    assert!(html.contains("listSkillsForVendor"), "spec not inlined");
    assert!(
        !html.contains("<script src=\"http"),
        "page loads a remote script"
    );

    assert!(!out.join("smapi-0.9.0.json").exists(), "stale file kept");
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    let mut names = Vec::new();
    for line in sums.lines() {
        let (hex, name) = line.split_once("  ").expect("sha256sum format");
        let digest = Sha256::digest(std::fs::read(out.join(name)).unwrap());
        let expected: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected, "checksum of {name}");
        names.push(name.to_owned());
    }
    names.sort();
    assert_eq!(
        names,
        ["smapi-1.0.0.html", "smapi-1.0.0.json", "smapi-1.0.0.yaml"]
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn version_that_cannot_name_a_file_is_rejected() {
    let dir = temp_dir("badversion");
    let text = std::fs::read_to_string(fixture_spec())
        .unwrap()
        .replace("version: 1.0.0", "version: \"../1.0\"");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, text).unwrap();
    let run = bundle(&spec, &dir.join("out"));
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("info.version `../1.0` cannot name a file"),
        "{stderr}"
    );
    assert!(!dir.join("out").exists(), "nothing may be written");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The HTML reference names, for every operation, Amazon's page title and address and the
/// section it transcribes, not the file name of a saved copy.
#[test]
fn the_html_reference_shows_each_operations_amazon_page_and_section() {
    let out = temp_dir("sources");
    let spec = root().join("openapi/smapi.yaml");
    let run = bundle(&spec, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let version =
        serde_norway::from_str::<serde_json::Value>(&std::fs::read_to_string(&spec).unwrap())
            .unwrap()["info"]["version"]
            .as_str()
            .unwrap()
            .to_owned();
    let html = std::fs::read_to_string(out.join(format!("smapi-{version}.html"))).unwrap();
    for (title, url, section) in [
        (
            "Skill Operations (Skill Management API)",
            "https://developer.amazon.com/en-US/docs/alexa/smapi/skill-operations.html",
            "List skills",
        ),
        (
            "Discovery Session REST API Reference",
            "https://developer.amazon.com/en-US/docs/alexa/alexa-smart-properties/discovery-session-api.html",
            "Create discovery session",
        ),
    ] {
        let line = format!("**Source:** [{title}]({url}), section \\\"{section}\\\".");
        assert!(html.contains(&line), "`{line}` missing from the HTML page");
    }
    assert!(
        !html.contains("Source: `"),
        "a saved file name is shown as the source"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

//! The issue's "done when": a pipeline creates, builds, publishes and unpublishes a skill with
//! four `smapi` commands and branches on their exit codes. `cli/examples/pipeline.sh` is run by
//! bash, with the binary on PATH, against a simulator this test watches; the README shows the
//! same script.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::Sim;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/pipeline.sh");

/// bash runs the pipeline in `dir` with only PATH (the binary first), HOME and the ASK_*
/// variables that point `smapi` at `sim`.
fn pipeline(sim: &Sim, dir: &Path, manifest: &Path) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("smapi");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let vendor = sim.vendor().to_owned();
    Command::new("bash")
        .arg(SCRIPT)
        .arg(manifest)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("ASK_SMAPI_SERVER_BASE_URL", sim.handle.url())
        .env("ASK_LWA_TOKEN_HOST", sim.handle.lwa_url())
        .env("ASK_ACCESS_TOKEN", sim.handle.issue_access_token(&vendor))
        .env("ASK_VENDOR_ID", &vendor)
        .output()
        .expect("bash runs")
}

#[test]
fn four_commands_create_build_publish_and_unpublish() {
    let sim = Sim::start_with(Duration::from_millis(200));
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Pipeline skill");
    let out = pipeline(&sim, dir.path(), &manifest);
    let stdout = common::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        common::stderr(&out)
    );
    let steps: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(steps, ["created", "built", "published", "unpublished"]);
    // Exactly one of each write reached the server, and the build was waited for by polling.
    assert_eq!(sim.count("createSkillForVendor"), 1);
    assert_eq!(sim.count("publishSkill"), 1);
    assert_eq!(sim.count("unpublishSkill"), 1);
    assert!(sim.count("getSkillStatus") >= 2, "the build was not polled");
    let build: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("build.json")).unwrap()).unwrap();
    assert_eq!(
        build["manifest"]["lastUpdateRequest"]["status"],
        "SUCCEEDED"
    );
    let publication: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("publication.json")).unwrap())
            .unwrap();
    assert_eq!(publication["publication"]["status"], "SUCCEEDED");
}

#[test]
fn a_failed_build_stops_the_pipeline_with_exit_10() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    // A locale without a name: accepted by the create, then the build FAILS.
    let manifest = dir.path().join("nameless.json");
    std::fs::write(
        &manifest,
        r#"{"manifest": {"manifestVersion": "1.0", "publishingInformation": {"locales": {"en-US": {"summary": "no name"}}}}}"#,
    )
    .unwrap();
    let out = pipeline(&sim, dir.path(), &manifest);
    let stdout = common::stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{stdout}\n{}",
        common::stderr(&out)
    );
    assert!(stdout.contains("build FAILED"), "{stdout}");
    assert_eq!(sim.count("publishSkill"), 0);
    // The build's errors reached stderr as violations.
    assert!(
        common::stderr(&out).contains("violation"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn a_manifest_that_breaks_a_rule_stops_it_with_exit_3_before_any_request() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("bad.json");
    std::fs::write(&manifest, r#"{"manifest": {"manifestVersion": 7}}"#).unwrap();
    let out = pipeline(&sim, dir.path(), &manifest);
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    assert!(common::stdout(&out).contains("fix it"));
    assert_eq!(sim.requests(), 0);
}

/// The README shows the script as it is.
#[test]
fn the_readme_shows_the_pipeline_script() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let script = std::fs::read_to_string(SCRIPT).unwrap();
    let body: String = script
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        readme.contains(&format!("```bash\n{body}```")),
        "README.md must show cli/examples/pipeline.sh (from `set -u`) in a ```bash block"
    );
}

//! The README's promises about the spec workflow and taking the spec, checked against the
//! code and files that keep them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The README section that starts with `heading`, up to the next `## ` heading.
fn section(readme: &str, heading: &str) -> String {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no `{heading}`"));
    let rest = &readme[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// Every line `drift` is said to print for a page edit is a line the drift tests expect
/// (fragments around a `...` elision each occur there).
#[test]
fn the_drift_table_quotes_what_the_drift_tests_expect() {
    let readme = read("README.md");
    let docs = section(&readme, "## When Amazon's docs change");
    let tests = read("xtask/tests/drift.rs").replace("\\\"", "\"");
    let mut checked = 0;
    for row in docs
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Amazon"))
    {
        let cells: Vec<&str> = row.split(" | ").collect();
        let Some(printed) = cells.get(1) else {
            continue;
        };
        let delimiter = if printed.contains("``") { "``" } else { "`" };
        let spans = printed.split(delimiter).skip(1).step_by(2);
        for span in spans.filter(|s| s.len() > 12) {
            for fragment in span.split("...").map(str::trim).filter(|f| f.len() > 8) {
                let fragment = fragment.trim_end_matches(',');
                assert!(
                    tests.contains(fragment),
                    "README says drift prints `{fragment}`, which no drift test expects"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} quoted lines found");
}

/// The tasks the README's workflow names are the ones `cargo xtask --help` lists.
#[test]
fn the_workflow_names_tasks_that_exist() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let readme = read("README.md");
    let docs = section(&readme, "## When Amazon's docs change");
    for task in [
        "drift",
        "release-spec",
        "validate",
        "breaking",
        "diff",
        "generate",
        "bundle",
        "ci",
    ] {
        assert!(
            docs.contains(&format!("`cargo xtask {task}")) || docs.contains(&format!("`{task}")),
            "README workflow does not mention `{task}`"
        );
        assert!(
            help.contains(&format!("  {task} ")),
            "--help does not list {task}"
        );
    }
}

/// "Take the spec": the pinned versions it names are the pinned versions, the Python lines
/// use the package-name config CI uses, and call the venv's programs by path with its bin/
/// on PATH (so they work with or without an activated venv).
#[test]
fn take_the_spec_names_the_pins_and_the_python_config() {
    let readme = read("README.md");
    let take = section(&readme, "## Take the spec");
    let package = read("tools/spec-tools/package.json");
    let requirements = read("tools/spec-tools/requirements.txt");
    for (tool, version) in [("openapi-typescript", "7.13.0"), ("typescript", "5.9.3")] {
        assert!(
            package.contains(&format!("\"{tool}\": \"{version}\"")),
            "{tool} is not pinned at {version}"
        );
        assert!(
            take.contains(version),
            "README does not name {tool} {version}"
        );
    }
    let pin = requirements
        .lines()
        .find_map(|l| l.strip_prefix("openapi-python-client=="))
        .expect("openapi-python-client pinned");
    assert!(
        take.contains(&format!("({pin})")),
        "README names another version than {pin}"
    );
    assert!(take.contains("--config tools/spec-tools/python-client.yaml"));
    assert!(
        read("tools/spec-tools/python-client.yaml")
            .contains("package_name_override: alexa_smapi_client")
    );
    assert!(take.contains("alexa_smapi_client"));
    assert!(
        take.contains("PATH=\"$PWD/.venv/bin:$PATH\" .venv/bin/openapi-python-client generate")
    );
    assert!(take.contains(".venv/bin/pip install -r tools/spec-tools/requirements.txt"));
    // tools/spec-checks.sh runs the generator the same way.
    let checks = read("tools/spec-checks.sh");
    assert!(
        checks.contains("PATH=\"$VENV/bin:$PATH\" \"$VENV/bin/openapi-python-client\" generate")
    );
    assert!(checks.contains("--config \"$TOOLS/python-client.yaml\""));
    // And `bundle` installs its Node tools itself.
    assert!(take.contains("first run installs the pinned Node tools itself"));
    assert!(read("xtask/src/bundle.rs").contains("--install-node"));
}

/// The workflow says validate applies the linters' rules it names; lint.rs implements each.
#[test]
fn the_lint_rules_the_workflow_names_are_implemented() {
    let readme = read("README.md");
    let docs = section(&readme, "## When Amazon's docs change");
    assert!(docs.contains("xtask/src/validate/lint.rs"));
    let lint = read("xtask/src/validate/lint.rs");
    for (said, rule) in [
        ("unused components", "no-unused-components"),
        ("missing descriptions", "operation-description"),
        ("enum\n   values of the wrong type", "typed-enum"),
        ("`$ref` siblings", "no-$ref-siblings"),
    ] {
        assert!(docs.contains(said), "README no longer says `{said}`");
        assert!(lint.contains(rule), "lint.rs has no `{rule}`");
    }
}

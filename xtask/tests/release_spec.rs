//! `cargo xtask release-spec` end to end, in a throwaway git checkout that holds the real
//! spec, coverage list, changelog and a crate named `alexa-smapi` with its Cargo.lock:
//! the maintainer's edit is made, the command runs, and every file it must touch is
//! checked, in the order that used to trip newcomers (version bumped before the snapshot is
//! written, Cargo.lock following the crate version).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn pages() -> PathBuf {
    let dir = root().join("../shared/api-docs");
    assert!(
        dir.is_dir(),
        "the saved pages must be beside the repository at ../shared/api-docs (as in CI)"
    );
    dir
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run");
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let mut all = vec![
        "-c",
        "user.name=xtask test",
        "-c",
        "user.email=xtask@test.invalid",
    ];
    all.extend_from_slice(args);
    run(dir, "git", &all)
}

fn spec_version(text: &str) -> String {
    let doc: serde_json::Value = serde_norway::from_str(text).unwrap();
    doc["info"]["version"].as_str().unwrap().to_owned()
}

fn major_bump(v: &str) -> String {
    let major: u64 = v.split('.').next().unwrap().parse().unwrap();
    format!("{}.0.0", major + 1)
}

/// A checkout with the real spec committed; returns (repo, pages copy, spec version).
fn checkout(tag: &str) -> (PathBuf, PathBuf, String) {
    let base = std::env::temp_dir().join(format!("xtask-release-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let repo = base.join("repo");
    let docs = base.join("pages");
    std::fs::create_dir_all(repo.join("openapi")).unwrap();
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::create_dir_all(&docs).unwrap();
    for f in [
        "openapi/smapi.yaml",
        "openapi/coverage.yaml",
        "openapi/CHANGELOG.md",
    ] {
        std::fs::copy(root().join(f), repo.join(f)).unwrap();
    }
    for entry in std::fs::read_dir(pages()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), docs.join(entry.file_name())).unwrap();
    }
    let version = spec_version(&std::fs::read_to_string(repo.join("openapi/smapi.yaml")).unwrap());
    std::fs::write(
        repo.join("Cargo.toml"),
        format!(
            "[package]\nname = \"alexa-smapi\"\nversion = \"{version}\"\nedition = \"2024\"\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(repo.join("src/lib.rs"), "").unwrap();
    run(&repo, "cargo", &["generate-lockfile", "--offline"]);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "released"]);
    (repo, docs, version)
}

fn release_spec(repo: &Path, docs: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("release-spec")
        .arg("--root")
        .arg(repo)
        .arg("--pages")
        .arg(docs)
        .args(["--skip-tests", "--skip-bundle"])
        .args(extra)
        .output()
        .expect("run xtask")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const MAX_RESULTS_ROW: &str = "maxResultsMaximum number of results to display per page of listed skills. The value of this parameter must not exceed 50.Query parameterNo\n";
const MAX_RESULTS_PARAM: &str = "        - name: maxResults
          in: query
          required: false
          description: |
            Page size: the most skills one page may hold, from 1 to 50. Not allowed together
            with `skillId`.
          schema:
            type: integer
            format: int32
            minimum: 1
            maximum: 50
";

/// Amazon drops `maxResults` from List skills; the maintainer removes it from the spec and
/// runs release-spec: a breaking change, so the major versions move; the snapshot, the
/// lock file, the changelog and the section digest all follow.
fn amazon_drops_max_results(repo: &Path, docs: &Path) {
    let page = docs.join("skill-operations-api.txt");
    let text = std::fs::read_to_string(&page).unwrap();
    assert_eq!(text.matches(MAX_RESULTS_ROW).count(), 1);
    std::fs::write(&page, text.replace(MAX_RESULTS_ROW, "")).unwrap();
    let spec = repo.join("openapi/smapi.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    assert_eq!(
        text.matches(MAX_RESULTS_PARAM).count(),
        1,
        "the spec declares maxResults"
    );
    std::fs::write(&spec, text.replace(MAX_RESULTS_PARAM, "")).unwrap();
}

#[test]
fn a_breaking_edit_is_released_in_the_right_order() {
    let (repo, docs, version) = checkout("breaking");
    amazon_drops_max_results(&repo, &docs);
    let before = std::fs::read_to_string(repo.join("openapi/smapi.yaml")).unwrap();
    let out = release_spec(&repo, &docs, &[]);
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let next = major_bump(&version);

    let spec = std::fs::read_to_string(repo.join("openapi/smapi.yaml")).unwrap();
    assert_eq!(spec_version(&spec), next, "{shown}");
    // The List skills digest was recorded anew; nothing else in the spec moved.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(spec.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 2, "version and one digest: {changed:?}");
    assert!(
        changed
            .iter()
            .any(|(_, b)| b.trim_start().starts_with("digest: sha256:"))
    );

    let snapshot = std::fs::read_to_string(repo.join("openapi/generated/client.rs")).unwrap();
    assert!(
        snapshot.contains(&format!("\"{next}\"")),
        "the snapshot carries the new version"
    );
    assert!(
        !snapshot.contains("max_results"),
        "the snapshot has no maxResults"
    );

    let cargo = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    assert!(cargo.contains(&format!("version = \"{next}\"")), "{cargo}");
    let lock = std::fs::read_to_string(repo.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!("name = \"alexa-smapi\"\nversion = \"{next}\"")),
        "Cargo.lock follows the crate version:\n{lock}"
    );

    let changelog = std::fs::read_to_string(repo.join("openapi/CHANGELOG.md")).unwrap();
    let entry = changelog
        .split(&format!("## {next}\n"))
        .nth(1)
        .expect("an entry for the new version");
    assert!(
        entry.contains("- (breaking) parameter: GET /v1/skills param maxResults"),
        "{entry}"
    );
    assert!(shown.contains("needs: info.version major bump"), "{shown}");

    // Run again: the version is settled as bumped, nothing more moves.
    let again = release_spec(&repo, &docs, &["--dry-run"]);
    let shown = text(&again);
    assert!(again.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("info.version {version} -> {next}")),
        "{shown}"
    );
    std::fs::remove_dir_all(repo.parent().unwrap()).unwrap();
}

#[test]
fn a_bump_smaller_than_the_change_needs_is_refused_and_nothing_changes() {
    let (repo, docs, _) = checkout("refused");
    amazon_drops_max_results(&repo, &docs);
    let before = std::fs::read_to_string(repo.join("openapi/smapi.yaml")).unwrap();
    let out = release_spec(&repo, &docs, &["--bump", "minor", "--dry-run"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("--bump minor is less than the change needs (major)"),
        "{shown}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("openapi/smapi.yaml")).unwrap(),
        before
    );
    std::fs::remove_dir_all(repo.parent().unwrap()).unwrap();
}

#[test]
fn a_spec_that_does_not_answer_the_pages_is_refused() {
    let (repo, docs, _) = checkout("drift");
    // The page still lists maxResults, but the spec dropped it.
    let spec = repo.join("openapi/smapi.yaml");
    let text_before = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, text_before.replace(MAX_RESULTS_PARAM, "")).unwrap();
    let out = release_spec(&repo, &docs, &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("parameter `maxResults` (query): listed by the page, not in the spec"),
        "{shown}"
    );
    assert!(
        shown.contains("the spec does not yet answer 1 difference(s)"),
        "{shown}"
    );
    std::fs::remove_dir_all(repo.parent().unwrap()).unwrap();
}

#[test]
fn no_change_means_nothing_to_release() {
    let (repo, docs, _) = checkout("nothing");
    let out = release_spec(&repo, &docs, &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("no spec change since HEAD:openapi/smapi.yaml"),
        "{shown}"
    );
    std::fs::remove_dir_all(repo.parent().unwrap()).unwrap();
}

//! `cargo xtask breaking` against fixture spec pairs.
//!
//! Each directory under `tests/fixtures/breaking/<case>/` holds a `base.yaml`
//! and a `head.yaml` that differ by one change. Every test runs the built
//! binary, checks its exit status and finds the exact table row it must print
//! (kind, location, change, class), so a misclassification fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/breaking")
        .join(case)
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

fn breaking(case: &str, extra: &[&str]) -> Output {
    let dir = fixture(case);
    let base = dir.join("base.yaml");
    let head = dir.join("head.yaml");
    let mut args = vec![
        "breaking",
        "--base-spec",
        base.to_str().unwrap(),
        "--spec",
        head.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

/// The table rows, as trimmed cells (kind, location, change, class), header and rule excluded.
fn rows(stdout: &str) -> Vec<[String; 4]> {
    rows_with_rust(stdout)
        .into_iter()
        .map(|[kind, location, change, class, _]| [kind, location, change, class])
        .collect()
}

/// The table rows with the fifth column, the Rust impact.
fn rows_with_rust(stdout: &str) -> Vec<[String; 5]> {
    stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect();
            <[String; 5]>::try_from(cells).ok()
        })
        .filter(|r| r[0] != "kind" && !r[0].starts_with("---"))
        .collect()
}

/// Runs one case and checks its exit status and that `expected` is a row.
fn check(case: &str, exit: i32, expected: [&str; 4]) -> Vec<[String; 4]> {
    let out = breaking(case, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rows = rows(&stdout);
    assert!(
        rows.iter()
            .any(|r| r.iter().zip(expected).all(|(a, b)| a == b)),
        "case {case}: row {expected:?} not found in\n{stdout}\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(exit),
        "case {case}: exit status\n{stdout}\n{stderr}"
    );
    rows
}

/// A breaking case: exit 1 and the row classed `breaking`.
fn breaking_case(case: &str, kind: &str, location: &str, change: &str) {
    check(case, 1, [kind, location, change, "breaking"]);
}

/// A compatible case: exit 0, the row classed `compatible`, nothing breaking.
fn compatible_case(case: &str, kind: &str, location: &str, change: &str) {
    let rows = check(case, 0, [kind, location, change, "compatible"]);
    assert!(
        rows.iter().all(|r| r[3] == "compatible"),
        "case {case}: unexpected breaking row in {rows:?}"
    );
}

const LIST: &str = "GET /v1/skills";
const LIST_200: &str = "GET /v1/skills response 200 application/json";
const CREATE_BODY: &str = "POST /v1/skills request application/json";

// ---- breaking ----------------------------------------------------------

#[test]
fn operation_removed() {
    breaking_case(
        "operation-removed",
        "operation",
        "DELETE /v1/skills/{skillId}",
        "operation removed",
    );
}

#[test]
fn parameter_removed() {
    breaking_case(
        "parameter-removed",
        "parameter",
        &format!("{LIST} param nextToken"),
        "parameter removed",
    );
}

/// The change Atlassian's openapi-diff misses.
#[test]
fn parameter_optional_to_required() {
    breaking_case(
        "parameter-optional-to-required",
        "parameter",
        &format!("{LIST} param maxResults"),
        "optional -> required",
    );
}

#[test]
fn required_parameter_added() {
    breaking_case(
        "parameter-required-added",
        "parameter",
        &format!("{LIST} param stage"),
        "required parameter added",
    );
}

#[test]
fn required_request_field_added() {
    breaking_case(
        "request-field-required-added",
        "request field",
        &format!("{CREATE_BODY} .category"),
        "required field added",
    );
}

#[test]
fn request_field_optional_to_required() {
    breaking_case(
        "request-field-optional-to-required",
        "request field",
        &format!("{CREATE_BODY} .locale"),
        "optional -> required",
    );
}

/// Also proves `$ref` resolution: the field sits two references deep.
#[test]
fn response_field_removed() {
    breaking_case(
        "response-field-removed",
        "response field",
        &format!("{LIST_200} .skills[].lastUpdated"),
        "field removed",
    );
}

#[test]
fn response_field_required_to_optional() {
    breaking_case(
        "response-field-required-to-optional",
        "response field",
        &format!("{LIST_200} .skills"),
        "required -> optional",
    );
}

#[test]
fn response_status_removed() {
    breaking_case(
        "response-status-removed",
        "response",
        &format!("{LIST} response 400"),
        "response status removed",
    );
}

#[test]
fn response_header_removed() {
    breaking_case(
        "response-header-removed",
        "response header",
        "POST /v1/skills response 202 header Location",
        "response header removed",
    );
}

#[test]
fn request_enum_narrowed() {
    breaking_case(
        "request-enum-narrowed",
        "request field",
        &format!("{CREATE_BODY} .locale"),
        "enum value removed: \"ja-JP\"",
    );
}

#[test]
fn response_enum_narrowed() {
    breaking_case(
        "response-enum-narrowed",
        "response field",
        &format!("{LIST_200} .skills[].stage"),
        "enum value removed: \"live\"",
    );
}

#[test]
fn type_changed() {
    breaking_case(
        "type-changed",
        "response field",
        &format!("{LIST_200} .skills[].skillId"),
        "type changed: string -> integer",
    );
}

#[test]
fn format_changed() {
    breaking_case(
        "format-changed",
        "response field",
        &format!("{LIST_200} .skills[].lastUpdated"),
        "format changed: date-time -> date",
    );
}

#[test]
fn media_type_changed() {
    breaking_case(
        "media-type-changed",
        "media type",
        LIST_200,
        "media type removed",
    );
}

#[test]
fn request_max_length_lowered() {
    breaking_case(
        "request-max-length-lowered",
        "request field",
        &format!("{CREATE_BODY} .vendorId"),
        "maxLength tightened: 64 -> 32",
    );
}

#[test]
fn request_min_length_raised() {
    breaking_case(
        "request-min-length-raised",
        "request field",
        &format!("{CREATE_BODY} .vendorId"),
        "minLength tightened: 1 -> 3",
    );
}

#[test]
fn request_maximum_lowered() {
    breaking_case(
        "request-maximum-lowered",
        "parameter",
        &format!("{LIST} param maxResults"),
        "maximum tightened: 50 -> 10",
    );
}

#[test]
fn operation_id_changed() {
    breaking_case(
        "operation-id-changed",
        "operation",
        "DELETE /v1/skills/{skillId}",
        "operationId changed: deleteSkill -> removeSkill (method names in generated clients)",
    );
}

#[test]
fn named_component_removed() {
    breaking_case(
        "component-removed",
        "component",
        "components.schemas.Error",
        "named schema removed (generated clients export it as a type)",
    );
}

// ---- what lets a breaking change through ---------------------------------

#[test]
fn major_bump_accepts_breaking_change() {
    let out = check(
        "major-bump",
        0,
        [
            "parameter",
            &format!("{LIST} param nextToken"),
            "parameter removed",
            "breaking",
        ],
    );
    assert_eq!(out.len(), 1);
}

#[test]
fn allow_breaking_flag_accepts_breaking_change() {
    let out = breaking("parameter-removed", &["--allow-breaking"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("accepted: --allow-breaking"), "{stdout}");
}

// ---- compatible ------------------------------------------------------------

#[test]
fn operation_added() {
    compatible_case(
        "operation-added",
        "operation",
        "GET /v1/skills/{skillId}",
        "operation added",
    );
}

#[test]
fn optional_parameter_added() {
    compatible_case(
        "parameter-optional-added",
        "parameter",
        &format!("{LIST} param stage"),
        "optional parameter added",
    );
}

#[test]
fn parameter_required_to_optional() {
    compatible_case(
        "parameter-required-to-optional",
        "parameter",
        &format!("{LIST} param vendorId"),
        "required -> optional",
    );
}

#[test]
fn path_parameter_renamed_is_same_operation() {
    compatible_case(
        "path-parameter-renamed",
        "parameter",
        "DELETE /v1/skills/{id} path param skillId",
        "renamed: skillId -> id (wire format unchanged)",
    );
}

#[test]
fn optional_request_field_added() {
    compatible_case(
        "request-field-optional-added",
        "request field",
        &format!("{CREATE_BODY} .category"),
        "optional field added",
    );
}

#[test]
fn response_field_added() {
    compatible_case(
        "response-field-added",
        "response field",
        &format!("{LIST_200} .skills[].asin"),
        "field added",
    );
}

#[test]
fn response_status_added() {
    compatible_case(
        "response-status-added",
        "response",
        &format!("{LIST} response 429"),
        "response status added",
    );
}

#[test]
fn request_enum_widened() {
    compatible_case(
        "request-enum-widened",
        "request field",
        &format!("{CREATE_BODY} .locale"),
        "enum value added: \"de-DE\"",
    );
}

/// Response enums are open by contract, so a new value is compatible.
#[test]
fn response_enum_widened() {
    compatible_case(
        "response-enum-widened",
        "response field",
        &format!("{LIST_200} .skills[].stage"),
        "enum value added: \"certification\"",
    );
}

#[test]
fn request_constraint_loosened() {
    compatible_case(
        "request-constraint-loosened",
        "request field",
        &format!("{CREATE_BODY} .vendorId"),
        "maxLength loosened: 64 -> 128",
    );
}

#[test]
fn doc_text_changes() {
    compatible_case("doc-text", "docs", "POST /v1/skills", "summary changed");
    compatible_case(
        "doc-text",
        "docs",
        &format!("{CREATE_BODY} .vendorId"),
        "description changed",
    );
    compatible_case(
        "doc-text",
        "docs",
        &format!("{CREATE_BODY} .vendorId"),
        "example changed",
    );
}

#[test]
fn unchanged_spec_reports_no_changes() {
    let out = breaking("unchanged", &[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(rows(&stdout).is_empty(), "{stdout}");
    assert!(stdout.contains("no changes"), "{stdout}");
}

// ---- inputs ------------------------------------------------------------------

#[test]
fn unresolvable_ref_is_an_error_not_a_pass() {
    let dir = std::env::temp_dir().join(format!("xtask-breaking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = fixture("unchanged").join("base.yaml");
    let text = std::fs::read_to_string(&base).unwrap().replace(
        "$ref: \"#/components/schemas/SkillSummary\"",
        "$ref: \"#/components/schemas/NoSuchSchema\"",
    );
    let head = dir.join("head.yaml");
    std::fs::write(&head, text).unwrap();
    let out = xtask(&[
        "breaking",
        "--base-spec",
        base.to_str().unwrap(),
        "--spec",
        head.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`#/components/schemas/NoSuchSchema` does not resolve"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_base_is_a_usage_error() {
    let out = xtask(&["breaking"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--base"));
}

/// `--base REF` reads the spec through git: the committed spec compared with
/// a copy of itself has no changes.
#[test]
fn git_base_reads_the_committed_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let show = Command::new("git")
        .args(["show", "HEAD:openapi/smapi.yaml"])
        .current_dir(root)
        .output()
        .expect("run git");
    assert!(show.status.success(), "git show failed");
    let dir = std::env::temp_dir().join(format!("xtask-breaking-git-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let head = dir.join("smapi.yaml");
    std::fs::write(&head, &show.stdout).unwrap();
    let out = xtask(&[
        "breaking",
        "--base",
        "HEAD",
        "--spec",
        head.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("base HEAD:openapi/smapi.yaml"), "{stdout}");
    assert!(stdout.contains("no changes"), "{stdout}");

    let bad = xtask(&["breaking", "--base", "no-such-ref-xyz"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("git show no-such-ref-xyz"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs git in `dir` with a throwaway identity.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@test.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

/// `--since-previous-version` compares with the newest commit whose spec has
/// another info.version, so every change of the version being prepared counts,
/// not just the last commit's.
#[test]
fn since_previous_version_covers_every_commit_of_the_new_version() {
    let repo = std::env::temp_dir().join(format!("xtask-breaking-repo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("openapi")).unwrap();
    let spec = repo.join("openapi/smapi.yaml");
    let base = std::fs::read_to_string(fixture("unchanged").join("base.yaml")).unwrap();
    let run = || {
        let out = xtask(&[
            "breaking",
            "--since-previous-version",
            "--repo",
            repo.to_str().unwrap(),
        ]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    git(&repo, &["init", "-q"]);

    // 1.0.0 only: no earlier version to compare with.
    std::fs::write(&spec, &base).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "1.0.0"]);
    let (code, stdout) = run();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("nothing to compare"), "{stdout}");

    // 1.1.0, first commit: a breaking change (nextToken removed) ...
    let v110 = base
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("        - name: nextToken\n          in: query\n          schema:\n            type: string\n", "");
    std::fs::write(&spec, &v110).unwrap();
    git(&repo, &["commit", "-q", "-am", "drop nextToken"]);
    // ... second commit: a compatible doc change. The breaking one must still count.
    std::fs::write(
        &spec,
        v110.replace("summary: Create a skill", "summary: Create a new skill"),
    )
    .unwrap();
    git(&repo, &["commit", "-q", "-am", "doc"]);
    let (code, stdout) = run();
    assert_eq!(code, Some(1), "{stdout}");
    let rows = rows(&stdout);
    assert!(
        rows.iter()
            .any(|r| r[1] == "GET /v1/skills param nextToken" && r[3] == "breaking"),
        "{stdout}"
    );
    assert!(rows.iter().any(|r| r[2] == "summary changed"), "{stdout}");

    // Had the same work been versioned 2.0.0 (this throwaway repo may rewind),
    // the major bump accepts it.
    git(&repo, &["reset", "-q", "--hard", "HEAD~2"]);
    std::fs::write(&spec, v110.replace("version: 1.1.0", "version: 2.0.0")).unwrap();
    git(&repo, &["commit", "-q", "-am", "drop nextToken, 2.0.0"]);
    let (code, stdout) = run();
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("(info.version 1.0.0)"), "{stdout}");
    assert!(stdout.contains("bumps the major version"), "{stdout}");
    std::fs::remove_dir_all(&repo).unwrap();
}

/// Typed parsing would silently keep one of two duplicate keys and could hide
/// a change; the differ refuses such a document.
#[test]
fn duplicate_yaml_key_is_an_error() {
    let dir = std::env::temp_dir().join(format!("xtask-breaking-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = fixture("unchanged").join("base.yaml");
    let text = std::fs::read_to_string(&base).unwrap().replace(
        "        skillId:\n          type: string\n        stage:",
        "        skillId:\n          type: string\n        skillId:\n          type: integer\n        stage:",
    );
    let head = dir.join("head.yaml");
    std::fs::write(&head, text).unwrap();
    let out = xtask(&[
        "breaking",
        "--base-spec",
        base.to_str().unwrap(),
        "--spec",
        head.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("duplicate entry with key \"skillId\""),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The `rust` column: a field or enum value the spec adds is a minor crate release, because
/// the generated types are `#[non_exhaustive]`; a spec-breaking change is a major one.
#[test]
fn rust_impact_is_reported_next_to_spec_impact() {
    for (case, rust) in [
        ("response-field-added", "minor"),
        ("response-enum-widened", "minor"),
    ] {
        let out = breaking(case, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let rows = rows_with_rust(&stdout);
        assert!(!rows.is_empty(), "{case}: no rows in\n{stdout}");
        assert!(
            rows.iter().all(|r| r[4] == rust),
            "{case}: expected rust impact {rust}:\n{stdout}"
        );
        assert!(
            stdout.contains(
                "smallest crate version bump that fits (Rust semver, column `rust`): minor"
            ),
            "{case}:\n{stdout}"
        );
    }
    let out = breaking("response-field-removed", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        rows_with_rust(&stdout)
            .iter()
            .any(|r| r[3] == "breaking" && r[4] == "major"),
        "{stdout}"
    );
}

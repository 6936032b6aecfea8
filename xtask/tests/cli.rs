//! The xtask command line is loud, not silent: every task answers `--help` with exit 0, an
//! unknown task or flag is named in the error (exit 2), and `breaking` in a shallow clone
//! either fetches the history it needs or fails saying how to fix it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TASKS: [&str; 8] = [
    "validate",
    "generate",
    "diff",
    "breaking",
    "drift",
    "release-spec",
    "bundle",
    "ci",
];

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
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

#[test]
fn top_level_help_exits_0_and_lists_every_task() {
    for flag in ["--help", "-h", "help"] {
        let out = xtask(&[flag]);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(0), "{flag}: {shown}");
        for task in TASKS {
            assert!(
                shown.contains(task),
                "{flag} does not list `{task}`:\n{shown}"
            );
        }
    }
}

#[test]
fn every_task_answers_help_with_exit_0() {
    for task in TASKS {
        let out = xtask(&[task, "--help"]);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(0), "{task} --help: {shown}");
        assert!(
            shown.contains(&format!("Usage: cargo xtask {task}")),
            "{task} --help: {shown}"
        );
    }
}

#[test]
fn an_unknown_task_is_named_and_exits_2() {
    let out = xtask(&["validat"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("unrecognized subcommand 'validat'"),
        "{shown}"
    );
    assert!(
        shown.contains("validate"),
        "suggests the near miss: {shown}"
    );
}

#[test]
fn no_task_at_all_says_what_is_missing() {
    let out = xtask(&[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("Usage: cargo xtask <COMMAND>"), "{shown}");
}

#[test]
fn an_unknown_flag_is_named_and_exits_2() {
    for task in TASKS {
        let out = xtask(&[task, "--no-such-flag"]);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(2), "{task}: {shown}");
        assert!(
            shown.contains("unexpected argument '--no-such-flag'"),
            "{task}: {shown}"
        );
    }
}

#[test]
fn breaking_without_a_base_says_which_flags_it_takes() {
    let out = xtask(&["breaking"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    for flag in ["--base", "--since-previous-version", "--base-spec"] {
        assert!(shown.contains(flag), "{shown}");
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@test.invalid",
        ])
        .args(["-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn breaking_fixture(case: &str, file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/breaking")
        .join(case)
        .join(file);
    std::fs::read_to_string(path).expect("fixture")
}

/// An origin with three commits: 1.0.0, then an unrelated commit, then a breaking change
/// committed without a major bump (1.1.0), so only the full history shows the base.
fn origin_with_a_breaking_change(tag: &str) -> PathBuf {
    let origin = std::env::temp_dir().join(format!("xtask-shallow-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&origin);
    std::fs::create_dir_all(origin.join("openapi")).unwrap();
    let spec = origin.join("openapi/smapi.yaml");
    let base = breaking_fixture("parameter-removed", "base.yaml");
    let head = breaking_fixture("parameter-removed", "head.yaml");
    git(&origin, &["init", "-q"]);
    std::fs::write(&spec, &base).unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "1.0.0"]);
    std::fs::write(origin.join("NOTES"), "unrelated\n").unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "notes"]);
    let bumped = head.replacen("version: 1.0.0", "version: 1.1.0", 1);
    assert_ne!(bumped, head, "the fixture carries version 1.0.0");
    std::fs::write(&spec, bumped).unwrap();
    git(
        &origin,
        &["commit", "-q", "-am", "remove a parameter as 1.1.0"],
    );
    origin
}

fn shallow_clone(origin: &Path, tag: &str) -> PathBuf {
    let clone =
        std::env::temp_dir().join(format!("xtask-shallow-clone-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let url = format!("file://{}", origin.display());
    git(
        &std::env::temp_dir(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    assert_eq!(
        git(&clone, &["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );
    clone
}

#[test]
fn breaking_in_a_shallow_clone_fetches_the_history_and_still_fails_the_breaking_change() {
    let origin = origin_with_a_breaking_change("fetch");
    let clone = shallow_clone(&origin, "fetch");
    let out = xtask(&[
        "breaking",
        "--since-previous-version",
        "--repo",
        clone.to_str().unwrap(),
    ]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("this clone is shallow; fetching"), "{shown}");
    assert!(shown.contains("(info.version 1.0.0)"), "{shown}");
    assert!(!shown.contains("nothing to compare"), "{shown}");
    assert_eq!(
        git(&clone, &["rev-parse", "--is-shallow-repository"]).trim(),
        "false"
    );
    std::fs::remove_dir_all(&origin).unwrap();
    std::fs::remove_dir_all(&clone).unwrap();
}

#[test]
fn breaking_in_a_shallow_clone_without_its_remote_fails_saying_how_to_fix_it() {
    let origin = origin_with_a_breaking_change("gone");
    let clone = shallow_clone(&origin, "gone");
    std::fs::remove_dir_all(&origin).unwrap();
    let out = xtask(&[
        "breaking",
        "--since-previous-version",
        "--repo",
        clone.to_str().unwrap(),
    ]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("this clone is shallow (made with --depth)"),
        "{shown}"
    );
    assert!(shown.contains("git fetch --unshallow"), "{shown}");
    assert!(!shown.contains("nothing to compare"), "{shown}");
    std::fs::remove_dir_all(&clone).unwrap();
}

//! Progress of `--wait` on stderr: plain lines when stderr is not a terminal (CI logs), a
//! spinner when it is (run under a pseudo-terminal with util-linux `script`), nothing with
//! `--quiet`. stdout stays the result alone. Also the default output format there: text on a
//! terminal, JSON otherwise.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Sim, code, json, run, stderr};

#[test]
fn plain_lines_without_a_terminal_and_no_escape_codes() {
    let sim = Sim::start_with(Duration::from_millis(300));
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Progress");
    let mut c = sim.smapi();
    c.args(["create-skill-for-vendor", "--wait", "--manifest"])
        .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() >= 2, "one line per poll expected:\n{err}");
    for line in &lines {
        assert!(
            line.starts_with("waiting for build of skill amzn1.ask.skill.")
                && line.contains(": IN_PROGRESS after ")
                && line.contains("(poll "),
            "not a progress line: {line:?}"
        );
    }
    assert!(!err.contains('\u{1b}'), "escape codes on stderr: {err:?}");
    assert!(!common::stdout(&out).contains('\u{1b}'));
    assert_eq!(
        json(&out)["build"]["manifest"]["lastUpdateRequest"]["status"],
        "SUCCEEDED"
    );

    let mut c = sim.smapi();
    c.args(["--quiet", "create-skill-for-vendor", "--wait", "--manifest"])
        .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--quiet prints no progress");
}

/// Under a pseudo-terminal the wait draws a spinner (escape codes that redraw one line), not
/// a line per poll, and clears it at the end.
#[test]
fn a_spinner_on_a_terminal() {
    let sim = Sim::start_with(Duration::from_millis(600));
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Spinner");
    let bin = assert_cmd::cargo::cargo_bin("smapi");
    let command = format!(
        "'{}' --poll-interval 0.02 --output json create-skill-for-vendor --wait --manifest '{}'",
        bin.display(),
        manifest.display()
    );
    let out = under_a_terminal(&sim, dir.path(), &command);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains('\u{1b}'),
        "no escape codes on a terminal: {text:?}"
    );
    assert!(text.contains("waiting for build of skill"), "{text:?}");
    assert!(
        !text.contains("(poll "),
        "plain progress lines on a terminal: {text:?}"
    );
    assert!(text.contains("\"SUCCEEDED\""), "{text:?}");
}

/// Runs `command` (a shell command line) under a pseudo-terminal made by util-linux `script`,
/// pointed at `sim`; stdout and stderr both arrive in the output's stdout.
fn under_a_terminal(sim: &Sim, home: &std::path::Path, command: &str) -> std::process::Output {
    let vendor = sim.vendor().to_owned();
    Command::new("script")
        .args(["-q", "-e", "-c", command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("SHELL", "/bin/sh")
        .env("TERM", "xterm")
        .env("ASK_SMAPI_SERVER_BASE_URL", sim.handle.url())
        .env("ASK_LWA_TOKEN_HOST", sim.handle.lwa_url())
        .env("ASK_ACCESS_TOKEN", sim.handle.issue_access_token(&vendor))
        .env("ASK_VENDOR_ID", &vendor)
        .output()
        .expect("util-linux `script` runs (it provides the pseudo-terminal)")
}

/// Without `--output`, a terminal gets the readable table, not JSON; the same command piped
/// gets JSON.
#[test]
fn text_is_the_default_on_a_terminal_and_json_when_piped() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let skill = sim.create_skill(dir.path(), true);
    let bin = assert_cmd::cargo::cargo_bin("smapi");
    let command = format!("'{}' get-skill-status -s '{skill}'", bin.display());
    let out = under_a_terminal(&sim, dir.path(), &command);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // (stderr shares the terminal, so the text is not checked for being JSON as a whole.)
    assert!(
        !text.contains("\"lastUpdateRequest\""),
        "JSON on a terminal: {text}"
    );
    let row = text
        .lines()
        .find(|l| l.contains("manifest") && !l.contains("interactionModel"))
        .unwrap_or_else(|| panic!("no manifest row: {text}"));
    assert!(row.contains("SUCCEEDED") && row.contains('│'), "{text}");
    assert!(
        text.contains("resource") && text.contains("status"),
        "no header: {text}"
    );

    let mut c = sim.smapi();
    c.args(["get-skill-status", "-s", &skill]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["manifest"]["lastUpdateRequest"]["status"],
        "SUCCEEDED"
    );
}

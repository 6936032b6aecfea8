//! Every example in every `--help` runs as printed, on a machine with no account: the `$ `
//! lines of each subcommand's help are run in order by bash in an empty directory, with the
//! binary on PATH and nothing but a fresh simulator state.

mod common;

use std::path::Path;
use std::process::Command;

/// Subcommand paths listed under "Commands:" in `smapi <path> --help`, recursively.
fn subcommands(prefix: &[String]) -> Vec<Vec<String>> {
    let home = tempfile::tempdir().unwrap();
    let mut c = common::bare(home.path());
    c.args(prefix).arg("--help");
    let help = common::stdout(&common::run(c));
    let mut found = Vec::new();
    let mut in_commands = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if in_commands {
            if !line.starts_with("  ") {
                break;
            }
            let name = line.split_whitespace().next().unwrap_or_default();
            if name.is_empty() || name == "help" || line.starts_with("    ") {
                continue;
            }
            let mut path = prefix.to_vec();
            path.push(name.to_owned());
            let nested = subcommands(&path);
            if nested.is_empty() {
                found.push(path);
            } else {
                found.extend(nested);
            }
        }
    }
    found
}

fn examples(path: &[String]) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let mut c = common::bare(home.path());
    c.args(path).arg("--help");
    let help = common::stdout(&common::run(c));
    let block: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    block
        .iter()
        .map(|l| {
            // A line that does not start with `$ ` is a command wrapped by the help printer:
            // it would not run as printed.
            l.strip_prefix("  $ ")
                .unwrap_or_else(|| {
                    panic!(
                        "`smapi {}` example line is not a command: {l:?}",
                        path.join(" ")
                    )
                })
                .to_owned()
        })
        .collect()
}

fn run_script(dir: &Path, script: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("smapi");
    let bin_dir = bin.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("SMAPI_SIM_STATE", dir.join("sim-state.json"))
        .output()
        .expect("bash runs")
}

/// Each subcommand's examples run in their own directory (their own simulator state), so
/// they run side by side, a few at a time: the one binary cargo built, many processes.
#[test]
fn every_subcommand_has_examples_and_they_run_with_sim() {
    let commands = subcommands(&[]);
    assert!(commands.len() >= 16, "found only {commands:?}");
    let scripts: Vec<(String, Vec<String>)> = commands
        .iter()
        .map(|path| {
            let lines = examples(path);
            assert!(
                !lines.is_empty(),
                "`smapi {}` has no examples",
                path.join(" ")
            );
            (path.join(" "), lines)
        })
        .collect();
    let ran: usize = scripts.iter().map(|(_, lines)| lines.len()).sum();
    assert!(ran >= 40, "only {ran} example lines");

    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((name, lines)) = scripts.get(i) else {
                        break;
                    };
                    let dir = tempfile::tempdir().unwrap();
                    let out = run_script(dir.path(), &lines.join("\n"));
                    if !out.status.success() {
                        failures.lock().unwrap().push(format!(
                            "examples of `smapi {name}` failed ({:?}):\n{}\nstdout:\n{}\nstderr:\n{}",
                            out.status.code(),
                            lines.join("\n"),
                            String::from_utf8_lossy(&out.stdout),
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The README's "From the shell" section: every `sh` block runs, in order, in one directory,
/// against the simulator (`SMAPI_SIM=1`, the variable the README tells readers to set).
#[test]
fn readme_from_the_shell_blocks_run() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let start = readme
        .find("\n## From the shell")
        .expect("README has a \"From the shell\" section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let section = &rest[..end];
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in section.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(lines), "```") => {
                blocks.push(lines.join("\n"));
                current = None;
            }
            (Some(lines), l) => lines.push(l),
            _ => {}
        }
    }
    assert!(blocks.len() >= 3, "only {} sh blocks", blocks.len());
    let dir = tempfile::tempdir().unwrap();
    for block in &blocks {
        let script = format!("export SMAPI_SIM=1\n{block}");
        let out = run_script(dir.path(), &script);
        assert!(
            out.status.success(),
            "README block failed ({:?}):\n{block}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

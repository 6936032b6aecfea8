//! Maintainer tasks for the spec and the generated client: `cargo xtask <task>`.
//!
//! | task | what it does |
//! |---|---|
//! | `validate` | structural and documentary checks of `openapi/smapi.yaml` |
//! | `generate` | rewrites the checked-in snapshot `openapi/generated/client.rs` |
//! | `diff [--check]` | shows how a fresh generation differs from the snapshot |
//! | `breaking --base <ref>` | classifies spec changes since a git ref |
//! | `bundle` | writes the spec bundle other teams take |
//! | `ci` | every spec check CI runs, in CI's order |

use std::process::ExitCode;

mod breaking;
mod bundle;
mod generate;
mod paths;
mod validate;

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask <task>\n\n\
         tasks:\n  \
         validate [SPEC]               check the spec (default openapi/smapi.yaml)\n  \
         generate                      rewrite openapi/generated/client.rs from the spec\n  \
         diff [--check]                diff a fresh generation against the snapshot\n  \
         breaking --base REF [--allow-breaking]   classify spec changes since REF\n  \
         bundle [--out DIR]            write the bundle other language teams take\n  \
         ci                            every spec check CI runs (validate, diff, breaking, lint, other languages)"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        return usage();
    };
    match task.as_str() {
        "validate" => validate::run(rest),
        "generate" => generate::run_generate(rest),
        "diff" => generate::run_diff(rest),
        "breaking" => breaking::run(rest),
        "bundle" => bundle::run(rest),
        "ci" => run_ci(),
        _ => usage(),
    }
}

/// One step of `cargo xtask ci`.
type Step = fn() -> ExitCode;

/// Every spec check CI runs, in CI's order, so a maintainer sees locally what CI will say:
/// validate, snapshot current, no unapproved breaking change since the previous spec
/// version, and the other-language checks (lint, bundle, TypeScript, Python against the
/// simulator) of `tools/spec-checks.sh`.
fn run_ci() -> ExitCode {
    let steps: [(&str, Step); 4] = [
        ("validate", || validate::run(&[])),
        ("diff --check", || {
            generate::run_diff(&["--check".to_owned()])
        }),
        ("breaking --since-previous-version", || {
            breaking::run(&["--since-previous-version".to_owned()])
        }),
        ("tools/spec-checks.sh", spec_checks),
    ];
    for (name, step) in steps {
        eprintln!("== xtask {name}");
        if step() != ExitCode::SUCCESS {
            eprintln!("xtask ci: `{name}` failed");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Runs `tools/spec-checks.sh` (it installs its pinned npm and pip tools on first use).
fn spec_checks() -> ExitCode {
    match std::process::Command::new("bash")
        .arg("tools/spec-checks.sh")
        .current_dir(paths::root())
        .status()
    {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cannot run tools/spec-checks.sh: {e}");
            ExitCode::FAILURE
        }
    }
}

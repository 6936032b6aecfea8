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
         ci                            validate, diff --check, breaking against HEAD"
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

/// Every spec check CI runs, so a maintainer sees locally what CI will say.
fn run_ci() -> ExitCode {
    let steps: [(&str, fn() -> ExitCode); 2] = [
        ("validate", || validate::run(&[])),
        ("diff --check", || {
            generate::run_diff(&["--check".to_owned()])
        }),
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

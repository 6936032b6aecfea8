//! Maintainer tasks for the spec and the generated client: `cargo xtask <task>`.
//!
//! | task | what it does |
//! |---|---|
//! | `validate` | structural and documentary checks of `openapi/smapi.yaml` |
//! | `generate` | rewrites the checked-in snapshot `openapi/generated/client.rs` |
//! | `diff [--check]` | shows how a fresh generation differs from the snapshot |
//! | `breaking --base <ref>` | classifies spec changes since a git ref |
//! | `drift --pages DIR` | compares saved copies of Amazon's pages with the spec |
//! | `release-spec` | the mechanical steps of a spec change, in order |
//! | `bundle` | writes the spec bundle other teams take |
//! | `ci` | every spec check CI runs, in CI's order |
//!
//! Every task answers `--help`; an unknown task or flag is named in the error (exit 2).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod breaking;
mod bundle;
mod drift;
mod generate;
mod paths;
mod release;
mod validate;

/// Maintainer tasks for openapi/smapi.yaml and the client generated from it.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Check the spec: OpenAPI 3.0, $refs, examples, sources, coverage, unused components,
    /// and the lint rules Redocly and Spectral apply
    Validate(validate::Args),
    /// Rewrite the snapshot openapi/generated/client.rs from the spec
    Generate,
    /// Show how a fresh generation differs from the snapshot
    Diff {
        /// Exit 1 when the snapshot is out of date
        #[arg(long)]
        check: bool,
    },
    /// Classify spec changes since a git ref, a file or the previous info.version
    Breaking(breaking::Args),
    /// Compare saved copies of Amazon's pages with the spec (exit 1 on drift)
    Drift(drift::Args),
    /// The mechanical steps of a spec change, in order: validate, drift, classify, version
    /// bump, snapshot, Cargo.lock, changelog entry, workspace tests, bundle
    ReleaseSpec(release::Args),
    /// Write the files other language teams take (YAML, JSON, HTML reference, SHA256SUMS)
    Bundle(bundle::Args),
    /// Every spec check CI runs: validate, diff --check, breaking, drift, lint, other languages
    Ci,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.task {
        Task::Validate(args) => validate::run(args),
        Task::Generate => generate::run_generate(),
        Task::Diff { check } => generate::run_diff(check),
        Task::Breaking(args) => breaking::run(args),
        Task::Drift(args) => drift::run(args),
        Task::ReleaseSpec(args) => release::run(args),
        Task::Bundle(args) => bundle::run(args),
        Task::Ci => run_ci(),
    }
}

/// One step of `cargo xtask ci`.
type Step = fn() -> ExitCode;

/// Every spec check CI runs, in CI's order, so a maintainer sees locally what CI will say:
/// validate (with the pages), snapshot current, no unapproved breaking change since the
/// previous spec version, no drift from the saved pages, and the other-language checks
/// (lint, bundle, TypeScript, Python against the simulator) of `tools/spec-checks.sh`.
fn run_ci() -> ExitCode {
    let steps: [(&str, Step); 5] = [
        ("validate --require-pages", || {
            validate::run(validate::Args::require_pages())
        }),
        ("diff --check", || generate::run_diff(true)),
        ("breaking --since-previous-version", || {
            breaking::run(breaking::Args::since_previous_version())
        }),
        ("drift --pages ../shared/api-docs", || {
            drift::run(drift::Args::beside_the_repository())
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

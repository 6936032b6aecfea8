//! `cargo xtask generate` and `cargo xtask diff [--check]`.
//!
//! The snapshot `openapi/generated/client.rs` is never compiled: it is the reviewable record
//! of what `build.rs` generates. Both go through `alexa_smapi_codegen::generate`, so the
//! snapshot is exactly what the build compiles. A spec change is reviewed as two diffs: the
//! YAML, and the snapshot `cargo xtask generate` rewrites.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use similar::TextDiff;

use crate::paths;

fn fresh() -> Result<String, String> {
    fresh_in(&paths::root())
}

fn fresh_in(root: &Path) -> Result<String, String> {
    let spec = root.join(paths::SPEC);
    let text =
        std::fs::read_to_string(&spec).map_err(|e| format!("{}: cannot read: {e}", paths::SPEC))?;
    alexa_smapi_codegen::generate(paths::SPEC, &text).map_err(|e| e.to_string())
}

/// Rewrites the snapshot under `root` from the spec under `root`; returns its line count.
pub fn write_snapshot(root: &Path) -> Result<usize, String> {
    let code = fresh_in(root)?;
    let path = root.join(paths::SNAPSHOT);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, &code).map_err(|e| format!("cannot write {}: {e}", paths::SNAPSHOT))?;
    Ok(code.lines().count())
}

fn snapshot_path() -> PathBuf {
    paths::root().join(paths::SNAPSHOT)
}

/// `cargo xtask generate`: rewrites the snapshot from the spec.
pub fn run_generate() -> ExitCode {
    match write_snapshot(&paths::root()) {
        Ok(lines) => {
            println!("wrote {} ({lines} lines)", paths::SNAPSHOT);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask diff [--check]`: prints a unified diff from the snapshot to a fresh generation.
/// With `--check`, exits non-zero when they differ.
pub fn run_diff(check: bool) -> ExitCode {
    let new = match fresh() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let old = std::fs::read_to_string(snapshot_path()).unwrap_or_default();
    if old == new {
        println!("{} is current", paths::SNAPSHOT);
        return ExitCode::SUCCESS;
    }
    let diff = TextDiff::from_lines(&old, &new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", paths::SNAPSHOT),
            "b/(generated from the spec)",
        )
        .to_string();
    // A reader piping into `head` closes stdout early; that is not worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if check {
        eprintln!(
            "{} is out of date: run `cargo xtask generate` and commit the result",
            paths::SNAPSHOT
        );
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

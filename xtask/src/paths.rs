//! Where things live, relative to the workspace root (xtask always runs from there).

use std::path::PathBuf;

/// The workspace root: the parent of this crate's manifest directory.
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The spec, as written by maintainers.
pub const SPEC: &str = "openapi/smapi.yaml";
/// The checked-in snapshot of the generated client.
pub const SNAPSHOT: &str = "openapi/generated/client.rs";
/// The list of documented operations the spec must cover.
pub const COVERAGE: &str = "openapi/coverage.yaml";
/// Where CI (and every checkout beside `shared/`) finds the saved Amazon pages.
pub const PAGES_BESIDE: &str = "../shared/api-docs";

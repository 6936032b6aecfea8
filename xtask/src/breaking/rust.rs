//! Rust impact of a spec change: what the change does to the generated crate, judged by
//! Rust's semver rules (the crate's own version, not the spec's `info.version`).
//!
//! The generated structs and enums are `#[non_exhaustive]` and built through builders or
//! `Default`, so an added field, enum value, schema, operation or optional parameter is a
//! minor change in Rust too; text-only changes are a patch. Everything the spec calls breaking
//! is treated as major in Rust, except tightened request constraints, which change no type
//! (the wrapper rejects more inputs: a behaviour change, still major for safety).

use super::model::{Change, Class};

/// The Rust semver bump one change needs: `major`, `minor` or `patch`.
pub fn impact(change: &Change) -> &'static str {
    match change.class {
        Class::Breaking => "major",
        Class::Compatible if change.kind == "docs" => "patch",
        Class::Compatible => "minor",
    }
}

/// The smallest crate version bump that fits every change (what `release-spec` applies).
pub fn bump(changes: &[Change]) -> super::Bump {
    let impacts: Vec<&str> = changes.iter().map(impact).collect();
    if impacts.contains(&"major") {
        super::Bump::Major
    } else if impacts.contains(&"minor") {
        super::Bump::Minor
    } else if impacts.contains(&"patch") {
        super::Bump::Patch
    } else {
        super::Bump::None
    }
}

/// The smallest crate version bump that fits every change, as Cargo reads semver.
pub fn needed(changes: &[Change]) -> &'static str {
    let impacts: Vec<&str> = changes.iter().map(impact).collect();
    if impacts.contains(&"major") {
        "major (minor while 0.x)"
    } else if impacts.contains(&"minor") {
        "minor (patch while 0.x)"
    } else if impacts.contains(&"patch") {
        "patch"
    } else {
        "none"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: &'static str, class: Class) -> Change {
        Change {
            kind,
            location: "x".to_owned(),
            change: "y".to_owned(),
            class,
        }
    }

    #[test]
    fn added_fields_and_values_are_minor_in_rust_because_generated_types_are_non_exhaustive() {
        assert_eq!(
            impact(&change("response field", Class::Compatible)),
            "minor"
        );
        assert_eq!(impact(&change("docs", Class::Compatible)), "patch");
        assert_eq!(impact(&change("operation", Class::Breaking)), "major");
        assert_eq!(
            needed(&[
                change("docs", Class::Compatible),
                change("enum", Class::Compatible)
            ]),
            "minor (patch while 0.x)"
        );
        assert_eq!(needed(&[]), "none");
    }
}

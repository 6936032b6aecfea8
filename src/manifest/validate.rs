//! Local validation of a manifest against the spec's own schema, before anything is sent.
//!
//! The JSON Schema is derived from `components.schemas` of the spec when the client is
//! generated (codegen's `manifest_schema`, compiled in as
//! [`MANIFEST_SCHEMA`](crate::generated::MANIFEST_SCHEMA); never restated here): every
//! length, item count, range, pattern and required field of `SkillManifest` and what it
//! reaches. [`super::check`] applies it; no general JSON Schema library is linked for this. Two kinds of rule are relaxed, because the manifest
//! is also what the server sent back and Amazon extends it over time:
//! - open enumerations (codegen `OPEN_ENUMS`, for example permission names and categories)
//!   are not checked against the listed values; their `pattern`, if any, still is (country
//!   codes must be two capital letters);
//! - open unions (codegen `OPEN_UNIONS`, the custom interfaces) check an object of a listed
//!   kind against that kind's schema and accept any other kind as it is.

use std::sync::OnceLock;

use serde_json::Value;

use super::check::Checker;
use crate::Error;
use crate::api::resource_schema::{SchemaViolation, ValidationReport};
use crate::generated::types::SkillManifest;

/// Checks `manifest` against every rule the spec states for it; the report lists each
/// violation with its JSON pointer (for example `/publishingInformation/locales/en-US/summary`).
///
/// ```
/// use alexa_smapi::types::SkillManifest;
/// let mut m = SkillManifest::new();
/// m.locale_mut("en-US").summary = Some("x".repeat(161));
/// m.publishing_mut().distribution_countries = Some(vec!["usa".into()]);
/// let report = alexa_smapi::manifest::validate(&m);
/// let pointers: Vec<&str> = report.violations.iter().map(|v| v.pointer.as_str()).collect();
/// assert_eq!(pointers, ["/publishingInformation/distributionCountries/0", "/publishingInformation/locales/en-US/summary"]);
/// ```
pub fn validate(manifest: &SkillManifest) -> ValidationReport {
    let checker = match checker() {
        Ok(v) => v,
        Err(message) => {
            return ValidationReport {
                violations: vec![SchemaViolation {
                    pointer: String::new(),
                    schema_pointer: String::new(),
                    message: message.clone(),
                }],
            };
        }
    };
    let instance = match serde_json::to_value(manifest) {
        Ok(v) => v,
        Err(e) => {
            return ValidationReport {
                violations: vec![SchemaViolation {
                    pointer: String::new(),
                    schema_pointer: String::new(),
                    message: format!("manifest cannot be encoded as JSON: {e}"),
                }],
            };
        }
    };
    let mut violations = checker.check(&instance);
    violations.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
    violations.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    ValidationReport { violations }
}

/// [`validate`], as the crate's error: `Ok(())`, or one [`Error::Validation`] for the field
/// `manifest` whose rule lists every violation with its JSON pointer.
///
/// ```
/// let mut m = alexa_smapi::types::SkillManifest::new();
/// m.locale_mut("en-US").name = Some("x".into());
/// let e = alexa_smapi::manifest::validate_or_error(&m).unwrap_err();
/// assert_eq!(e.to_string(), r#"invalid manifest: 1 violation: /publishingInformation/locales/en-US/name: "x" is shorter than 2 characters"#);
/// ```
pub fn validate_or_error(manifest: &SkillManifest) -> Result<(), Error> {
    let report = validate(manifest);
    if report.is_valid() {
        return Ok(());
    }
    let n = report.violations.len();
    let listed: Vec<String> = report
        .violations
        .iter()
        .map(|v| {
            let at = if v.pointer.is_empty() {
                "/"
            } else {
                &v.pointer
            };
            format!("{at}: {}", v.message)
        })
        .collect();
    Err(Error::Validation {
        field: "manifest",
        rule: format!(
            "{n} violation{}: {}",
            if n == 1 { "" } else { "s" },
            listed.join("; ")
        ),
    })
}

fn checker() -> Result<&'static Checker, &'static String> {
    static CHECKER: OnceLock<Result<Checker, String>> = OnceLock::new();
    CHECKER
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(crate::generated::MANIFEST_SCHEMA)
                .map_err(|e| format!("the generated manifest schema is not JSON: {e}"))?;
            Checker::new(schema)
                .map_err(|e| format!("the spec's manifest schema is not usable: {e}"))
        })
        .as_ref()
}

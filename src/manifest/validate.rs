//! Local validation of a manifest against the spec's own schema, before anything is sent.
//!
//! The JSON Schema is derived at first use from `components.schemas` of the embedded spec
//! (never restated here): every length, item count, range, pattern and required field of
//! `SkillManifest` and what it reaches. Two kinds of rule are relaxed, because the manifest
//! is also what the server sent back and Amazon extends it over time:
//! - open enumerations (codegen `OPEN_ENUMS`, for example permission names and categories)
//!   are not checked against the listed values; their `pattern`, if any, still is (country
//!   codes must be two capital letters);
//! - open unions (codegen `OPEN_UNIONS`, the custom interfaces) check an object of a listed
//!   kind against that kind's schema and accept any other kind as it is.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::Error;
use crate::api::resource_schema::{SchemaViolation, ValidationReport};
use crate::generated::open_schemas;
use crate::generated::types::SkillManifest;

const COMPONENTS: &str = "#/components/schemas/";

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
    let validator = match validator() {
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
    let mut violations: Vec<SchemaViolation> = validator
        .iter_errors(&instance)
        .map(|e| SchemaViolation {
            pointer: e.instance_path.to_string(),
            schema_pointer: e.schema_path.to_string(),
            message: e.to_string(),
        })
        .collect();
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

fn validator() -> Result<&'static jsonschema::Validator, &'static String> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema = manifest_schema()?;
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&schema)
                .map_err(|e| format!("the spec's manifest schema is not usable: {e}"))
        })
        .as_ref()
}

/// The JSON Schema (draft 2020-12) of `SkillManifest`, derived from the embedded spec.
pub(crate) fn manifest_schema() -> Result<Value, String> {
    let spec: Value = serde_norway::from_str(crate::spec::YAML)
        .map_err(|e| format!("embedded spec does not parse: {e}"))?;
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("embedded spec has no components.schemas")?;
    let defs: Map<String, Value> = schemas
        .iter()
        .map(|(name, schema)| (name.clone(), convert_named(name, schema)))
        .collect();
    Ok(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/$defs/SkillManifest",
        "$defs": defs,
    }))
}

fn convert_named(name: &str, schema: &Value) -> Value {
    if open_schemas::UNIONS.contains(&name)
        && let Some(open) = open_union(schema)
    {
        return open;
    }
    let mut converted = convert(schema);
    if open_schemas::ENUMS.contains(&name)
        && let Some(map) = converted.as_object_mut()
    {
        map.remove("enum");
    }
    converted
}

/// An object whose discriminator names a listed kind must match that kind's schema; any
/// other kind is accepted as it is.
fn open_union(schema: &Value) -> Option<Value> {
    let property = schema.pointer("/discriminator/propertyName")?.as_str()?;
    let mapping = schema.pointer("/discriminator/mapping")?.as_object()?;
    let branches: Vec<Value> = mapping
        .iter()
        .filter_map(|(value, target)| {
            let target = target.as_str()?.strip_prefix(COMPONENTS)?;
            Some(json!({
                "if": {"properties": {property: {"const": value}}, "required": [property]},
                "then": {"$ref": format!("#/$defs/{target}")},
            }))
        })
        .collect();
    Some(json!({
        "type": "object",
        "required": [property],
        "properties": {property: {"type": "string"}},
        "allOf": branches,
    }))
}

/// OpenAPI 3.0 schema object → JSON Schema 2020-12: `$ref`s into `$defs`, `nullable` as a
/// `null` alternative, annotations that are not JSON Schema dropped.
fn convert(node: &Value) -> Value {
    match node {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "$ref" => {
                        let target = value
                            .as_str()
                            .and_then(|r| r.strip_prefix(COMPONENTS))
                            .unwrap_or_default();
                        out.insert(key.clone(), Value::String(format!("#/$defs/{target}")));
                    }
                    "nullable" | "discriminator" | "example" | "xml" | "externalDocs"
                    | "description" => {}
                    "properties" => {
                        let props = value
                            .as_object()
                            .map(|p| p.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                            .unwrap_or_default();
                        out.insert(key.clone(), Value::Object(props));
                    }
                    _ => {
                        out.insert(key.clone(), convert(value));
                    }
                }
            }
            if map.get("nullable") == Some(&Value::Bool(true))
                && let Some(ty) = out.get("type").cloned()
            {
                out.insert("type".to_owned(), json!([ty, "null"]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}

//! The manifest JSON Schema served through the resource schema API, derived from
//! `openapi/smapi.yaml` at start-up (the spec is the single source of truth).
//!
//! Derivation: take `components.schemas.SkillManifest`, inline every
//! `#/components/schemas/...` reference, and turn OpenAPI 3.0 specifics into JSON Schema
//! draft 2020-12 (`nullable: true` becomes a `"null"` type alternative, `example` becomes
//! `examples`, `discriminator`/`xml`/`externalDocs` are dropped). Then the document is made
//! stricter per operation:
//!
//! | operation                    | required on top of the spec                                                                 |
//! |------------------------------|---------------------------------------------------------------------------------------------|
//! | `CREATE_SKILL`, `UPDATE_SKILL` | `manifestVersion`, `publishingInformation.locales`, and `name` in every locale             |
//! | `ENABLE_SKILL`               | the above, plus `apis`                                                                        |
//! | `SUBMIT_SKILL`               | the above, plus `privacyAndCompliance`, `publishingInformation.category`, and `summary`, `description`, `examplePhrases` (at least one) in every locale |
//!
//! The create/update rules are the same ones the simulated build applies (see
//! [`crate::validate::manifest_build_errors`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// Why the spec could not be turned into a manifest schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The spec is not YAML (or JSON) at all.
    #[error("the spec is not valid YAML: {0}")]
    Yaml(String),
    /// `components.schemas.SkillManifest` is absent.
    #[error("the spec has no components.schemas.SkillManifest")]
    NoSkillManifest,
    /// A `$ref` points outside `#/components/schemas/` or at a schema that does not exist.
    #[error("unresolvable $ref `{0}`")]
    BadRef(String),
    /// A schema refers to itself; inlining would not terminate.
    #[error("recursive $ref `{0}` cannot be inlined")]
    Recursive(String),
    /// A derived schema is not a valid JSON Schema.
    #[error("a schema derived from the spec is not valid JSON Schema: {0}")]
    Invalid(String),
}

/// Converts one OpenAPI schema (with `$ref`s into `components.schemas`) into a
/// self-contained JSON Schema (draft 2020-12), the same way the manifest document is derived.
pub(crate) fn to_json_schema(
    schema: &Value,
    schemas: &Map<String, Value>,
) -> Result<Value, SchemaError> {
    convert(schema, schemas, &mut Vec::new())
}

/// Operations the manifest schema can be asked for.
pub const SCHEMA_OPERATIONS: [&str; 4] = [
    "CREATE_SKILL",
    "UPDATE_SKILL",
    "ENABLE_SKILL",
    "SUBMIT_SKILL",
];

/// Resources the resource schema API serves.
pub const SCHEMA_RESOURCES: [&str; 2] = ["manifest", "skillPackageStructure"];

/// The documents, serialised once at start-up.
#[derive(Debug, Clone)]
pub(crate) struct SchemaDocuments {
    manifest: BTreeMap<&'static str, Vec<u8>>,
    package_structure: Vec<u8>,
}

impl SchemaDocuments {
    /// Derives every document from the parsed spec.
    pub fn from_spec(spec: &Value) -> Result<Self, SchemaError> {
        let mut manifest = BTreeMap::new();
        for op in SCHEMA_OPERATIONS {
            let doc = manifest_schema_of(spec, op)?;
            manifest.insert(op, serde_json::to_vec_pretty(&doc).unwrap_or_default());
        }
        let package_structure = serde_json::to_vec_pretty(&package_structure()).unwrap_or_default();
        Ok(SchemaDocuments {
            manifest,
            package_structure,
        })
    }

    /// The manifest schema for an operation (`None` for an unknown operation).
    pub fn manifest(&self, operation: &str) -> Option<&[u8]> {
        self.manifest.get(operation).map(Vec::as_slice)
    }

    pub fn package_structure(&self) -> &[u8] {
        &self.package_structure
    }
}

/// The manifest JSON Schema for `operation` (one of [`SCHEMA_OPERATIONS`]).
pub fn manifest_schema(spec_yaml: &str, operation: &str) -> Result<Value, SchemaError> {
    manifest_schema_of(&parse_spec(spec_yaml)?, operation)
}

/// The spec text parsed (once per simulator start: the YAML parse is most of its start-up).
pub(crate) fn parse_spec(spec_yaml: &str) -> Result<Value, SchemaError> {
    serde_norway::from_str(spec_yaml).map_err(|e| SchemaError::Yaml(e.to_string()))
}

/// [`manifest_schema`] of a parsed spec.
pub(crate) fn manifest_schema_of(spec: &Value, operation: &str) -> Result<Value, SchemaError> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or(SchemaError::NoSkillManifest)?;
    let root = schemas
        .get("SkillManifest")
        .ok_or(SchemaError::NoSkillManifest)?;
    let mut stack = vec!["SkillManifest".to_owned()];
    let mut doc = convert(root, schemas, &mut stack)?;
    tighten(&mut doc, operation);
    if let Value::Object(map) = &mut doc {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "$id".into(),
            json!(format!("urn:alexa-smapi-sim:manifest:{operation}")),
        );
        head.insert(
            "title".into(),
            json!(format!("Skill manifest ({operation})")),
        );
        head.append(map);
        *map = head;
    }
    Ok(doc)
}

/// Inlines references and converts one OpenAPI schema object into JSON Schema.
fn convert(
    schema: &Value,
    schemas: &Map<String, Value>,
    stack: &mut Vec<String>,
) -> Result<Value, SchemaError> {
    let Value::Object(obj) = schema else {
        // `true`/`false` schemas and anything odd are kept as they are.
        return Ok(schema.clone());
    };
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| SchemaError::BadRef(reference.to_owned()))?;
        let target = schemas
            .get(name)
            .ok_or_else(|| SchemaError::BadRef(reference.to_owned()))?;
        if stack.iter().any(|s| s == name) {
            return Err(SchemaError::Recursive(reference.to_owned()));
        }
        stack.push(name.to_owned());
        let inlined = convert(target, schemas, stack);
        stack.pop();
        return inlined;
    }
    // A discriminated union (`oneOf` + `discriminator`) is open in this spec: a `type` it does
    // not list is a valid member too (the spec says so in words, which JSON Schema cannot).
    // Check only what every member shares: the object and its discriminator string.
    if let Some(name) = obj
        .get("discriminator")
        .and_then(|d| d.get("propertyName"))
        .and_then(Value::as_str)
    {
        return Ok(json!({
            "type": "object",
            "required": [name],
            "properties": { name: { "type": "string" } }
        }));
    }
    let mut out = Map::new();
    let mut nullable = false;
    for (key, value) in obj {
        match key.as_str() {
            "nullable" => nullable = value.as_bool().unwrap_or(false),
            "example" => {
                out.insert("examples".into(), Value::Array(vec![value.clone()]));
            }
            "discriminator" | "xml" | "externalDocs" => {}
            "properties" | "patternProperties" => {
                let mut props = Map::new();
                if let Value::Object(map) = value {
                    for (name, sub) in map {
                        props.insert(name.clone(), convert(sub, schemas, stack)?);
                    }
                }
                out.insert(key.clone(), Value::Object(props));
            }
            "additionalProperties" | "items" | "not" => {
                out.insert(key.clone(), convert(value, schemas, stack)?);
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .map(|s| convert(s, schemas, stack))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .transpose()?
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if nullable {
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            _ => {
                return Ok(json!({ "anyOf": [Value::Object(out), { "type": "null" }] }));
            }
        }
    }
    Ok(Value::Object(out))
}

/// Makes `value` an object (if it is not one) and returns its map.
fn ensure_object(value: &mut Value) -> Option<&mut Map<String, Value>> {
    if !value.is_object() {
        *value = json!({});
    }
    value.as_object_mut()
}

/// The sub-schema for a named property, created (as an object schema) when absent.
fn property<'a>(schema: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    let props = ensure_object(schema)?
        .entry("properties")
        .or_insert_with(|| json!({}));
    Some(
        ensure_object(props)?
            .entry(name)
            .or_insert_with(|| json!({ "type": "object" })),
    )
}

/// The schema of a map's values (`additionalProperties`), made an object schema when it was
/// `true`, `{}` or absent.
fn map_values(schema: &mut Value) -> Option<&mut Value> {
    let entry = ensure_object(schema)?
        .entry("additionalProperties")
        .or_insert_with(|| json!({}));
    ensure_object(entry)?;
    Some(entry)
}

fn require(schema: &mut Value, names: &[&str]) {
    let Some(obj) = ensure_object(schema) else {
        return;
    };
    let required = obj.entry("required").or_insert_with(|| json!([]));
    if !required.is_array() {
        *required = json!([]);
    }
    if let Value::Array(list) = required {
        for name in names {
            if !list.iter().any(|v| v == name) {
                list.push(json!(name));
            }
        }
    }
}

/// Adds the per-operation rules of the module table.
fn tighten(doc: &mut Value, operation: &str) {
    let submit = operation == "SUBMIT_SKILL";
    let enable = operation == "ENABLE_SKILL" || submit;
    require(doc, &["manifestVersion", "publishingInformation"]);
    if enable {
        require(doc, &["apis"]);
    }
    if submit {
        require(doc, &["privacyAndCompliance"]);
    }
    let Some(publishing) = property(doc, "publishingInformation") else {
        return;
    };
    require(publishing, &["locales"]);
    if submit {
        require(publishing, &["category"]);
    }
    let Some(locales) = property(publishing, "locales") else {
        return;
    };
    if let Some(obj) = locales.as_object_mut() {
        obj.entry("minProperties").or_insert(json!(1));
    }
    let Some(locale) = map_values(locales) else {
        return;
    };
    require(locale, &["name"]);
    if submit {
        require(locale, &["summary", "description", "examplePhrases"]);
        if let Some(phrases) = property(locale, "examplePhrases").and_then(Value::as_object_mut) {
            phrases.insert("minItems".into(), json!(1));
        }
    }
}

/// The `skillPackageStructure` document: the layout of a skill package directory.
fn package_structure() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:alexa-smapi-sim:skillPackageStructure",
        "title": "Skill package structure",
        "description": "Files and directories of a skill package, by path relative to the package root. `{locale}` stands for a locale such as en-US.",
        "type": "object",
        "required": ["skill-package"],
        "properties": {
            "skill-package": {
                "type": "object",
                "required": ["skill.json"],
                "properties": {
                    "skill.json": { "description": "The skill manifest (see the manifest resource schema).", "const": "file" },
                    "interactionModels": {
                        "type": "object",
                        "properties": {
                            "custom": {
                                "type": "object",
                                "description": "One interaction model per locale.",
                                "patternProperties": { "^[a-z]{2}-[A-Z]{2}\\.json$": { "const": "file" } },
                                "additionalProperties": false
                            }
                        }
                    },
                    "assets": {
                        "type": "object",
                        "description": "Images and other files the manifest refers to.",
                        "additionalProperties": { "const": "file" }
                    },
                    "isps": { "type": "object", "description": "In-skill product definitions.", "additionalProperties": { "const": "file" } },
                    "alexaSkillEvents": { "type": "object", "additionalProperties": { "const": "file" } }
                },
                "additionalProperties": false
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r##"
openapi: 3.0.3
components:
  schemas:
    SkillManifest:
      type: object
      properties:
        manifestVersion: { type: string, example: '1.0' }
        publishingInformation: { $ref: '#/components/schemas/Pub' }
        nullable: { type: string, nullable: true }
      additionalProperties: {}
    Pub:
      type: object
      properties:
        locales:
          type: object
          additionalProperties: { $ref: '#/components/schemas/Loc' }
    Loc:
      type: object
      properties:
        name: { type: string }
        examplePhrases: { type: array, items: { type: string } }
"##;

    #[test]
    fn inlines_refs_converts_and_tightens() {
        let doc = manifest_schema(FIXTURE, "CREATE_SKILL").unwrap();
        let text = doc.to_string();
        assert!(!text.contains("$ref"), "{text}");
        assert_eq!(
            doc["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(
            doc["properties"]["manifestVersion"]["examples"],
            json!(["1.0"])
        );
        // A property named `nullable` is a property, not the keyword.
        assert_eq!(
            doc["properties"]["nullable"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            doc["required"],
            json!(["manifestVersion", "publishingInformation"])
        );
        let locale = &doc["properties"]["publishingInformation"]["properties"]["locales"]["additionalProperties"];
        assert_eq!(locale["required"], json!(["name"]));

        let submit = manifest_schema(FIXTURE, "SUBMIT_SKILL").unwrap();
        let locale = &submit["properties"]["publishingInformation"]["properties"]["locales"]["additionalProperties"];
        assert_eq!(
            locale["required"],
            json!(["name", "summary", "description", "examplePhrases"])
        );
        assert_eq!(locale["properties"]["examplePhrases"]["minItems"], 1);
        assert!(
            submit["required"]
                .as_array()
                .unwrap()
                .contains(&json!("privacyAndCompliance"))
        );
    }

    #[test]
    fn reports_missing_and_recursive_schemas() {
        assert_eq!(
            manifest_schema("openapi: 3.0.3\n", "CREATE_SKILL"),
            Err(SchemaError::NoSkillManifest)
        );
        let recursive = "components:\n  schemas:\n    SkillManifest:\n      properties:\n        me: { $ref: '#/components/schemas/SkillManifest' }\n";
        assert!(matches!(
            manifest_schema(recursive, "CREATE_SKILL"),
            Err(SchemaError::Recursive(_))
        ));
        let dangling = "components:\n  schemas:\n    SkillManifest:\n      properties:\n        x: { $ref: '#/components/schemas/Nope' }\n";
        assert!(matches!(
            manifest_schema(dangling, "CREATE_SKILL"),
            Err(SchemaError::BadRef(_))
        ));
    }

    #[test]
    fn derives_from_the_real_spec() {
        let spec = include_str!("../../openapi/smapi.yaml");
        let docs = SchemaDocuments::from_spec(&parse_spec(spec).unwrap()).unwrap();
        for op in SCHEMA_OPERATIONS {
            let doc: Value = serde_json::from_slice(docs.manifest(op).unwrap()).unwrap();
            assert!(!doc.to_string().contains("$ref"));
            assert!(doc["properties"]["publishingInformation"].is_object());
        }
    }
}

//! The JSON Schema (draft 2020-12) of `SkillManifest`, derived from the spec at build time and
//! compiled into the client as `MANIFEST_SCHEMA`, so local manifest validation needs neither
//! a YAML parser nor a general JSON Schema library at run time.
//!
//! Every length, item count, range, pattern and required field of `SkillManifest` and what it
//! reaches is kept. Two kinds of rule are relaxed, because the manifest is also what the server
//! sent back and Amazon extends it over time:
//! - open enumerations ([`crate::OPEN_ENUMS`]) lose their `enum` list; their `pattern`, if
//!   any, stays (country codes must be two capital letters);
//! - open unions ([`crate::OPEN_UNIONS`]) check an object of a listed kind against that kind's
//!   schema and accept any other kind as it is.

use serde_json::{Map, Value, json};

const COMPONENTS: &str = "#/components/schemas/";

/// The root schema validated.
pub const ROOT: &str = "SkillManifest";

/// The manifest's JSON Schema, from the spec document (`components.schemas` as written, not
/// the round-trip view progenitor generates from). Only the schemas `SkillManifest` reaches
/// are kept under `$defs`.
pub fn manifest_schema(
    spec: &Value,
    open_enums: &[&str],
    open_unions: &[&str],
) -> Result<Value, String> {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the spec has no components.schemas")?;
    if !schemas.contains_key(ROOT) {
        return Err(format!("the spec has no {ROOT} schema"));
    }
    let mut reached: Vec<String> = Vec::new();
    let mut queue = vec![ROOT.to_owned()];
    while let Some(name) = queue.pop() {
        if reached.contains(&name) {
            continue;
        }
        let schema = schemas
            .get(&name)
            .ok_or_else(|| format!("`$ref` to a missing schema: {name}"))?;
        collect_refs(schema, &mut queue);
        reached.push(name);
    }
    reached.sort();
    let defs: Map<String, Value> = reached
        .iter()
        .map(|name| {
            let converted = convert_named(name, &schemas[name], open_enums, open_unions);
            (name.clone(), converted)
        })
        .collect();
    Ok(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/$defs/{ROOT}"),
        "$defs": defs,
    }))
}

fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "$ref"
                    && let Some(name) = value.as_str().and_then(|r| r.strip_prefix(COMPONENTS))
                {
                    out.push(name.to_owned());
                } else {
                    collect_refs(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn convert_named(name: &str, schema: &Value, open_enums: &[&str], open_unions: &[&str]) -> Value {
    if open_unions.contains(&name)
        && let Some(open) = open_union(schema)
    {
        return open;
    }
    let mut converted = convert(schema);
    if open_enums.contains(&name)
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
                    | "description" | "x-source" => {}
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

/// `pub const MANIFEST_SCHEMA`: the schema as pretty JSON in a raw string, so the checked-in
/// snapshot shows a spec change to the manifest's rules line by line.
pub fn manifest_schema_tokens(schema: &Value) -> Result<proc_macro2::TokenStream, String> {
    let text = serde_json::to_string_pretty(schema).map_err(|e| e.to_string())?;
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal: proc_macro2::TokenStream = format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .map_err(|e: proc_macro2::LexError| e.to_string())?;
    Ok(quote::quote! {
        /// The JSON Schema (draft 2020-12) of `SkillManifest`, derived from the spec when this
        /// client was generated: what `alexa_smapi::manifest::validate` checks. Open
        /// enumerations and open unions are relaxed (see codegen's `manifest_schema`).
        pub const MANIFEST_SCHEMA: &str = #literal;
    })
}

//! A small JSON Schema (draft 2020-12) evaluator for the one schema local manifest validation
//! uses: [`MANIFEST_SCHEMA`](crate::generated::MANIFEST_SCHEMA), generated from the spec.
//!
//! It knows exactly the keywords that schema contains (the spec's own vocabulary: `$ref`,
//! `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
//! `pattern`, `minLength`, `maxLength`, `minItems`, `maxItems`, `minimum`, `maximum`, and the
//! `allOf`/`if`/`then` of open unions; `format` is an annotation, as 2020-12 says). A schema
//! using any other keyword is refused when the checker is built, so a spec change cannot be
//! silently ignored. Messages read as the `jsonschema` crate's do; a test compares the two on
//! the corpus of real manifests and on broken ones.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::api::resource_schema::SchemaViolation;

/// Keywords the checker evaluates.
const EVALUATED: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "allOf",
    "if",
    "then",
    "else",
];

/// Keywords that never fail an instance.
const ANNOTATIONS: &[&str] = &["$schema", "$defs", "format", "title", "default", "readOnly"];

/// A compiled manifest schema.
pub(crate) struct Checker {
    root: Value,
    patterns: HashMap<String, regex_lite::Regex>,
}

impl Checker {
    /// Checks that `root` uses only keywords this checker evaluates, that every `$ref` points
    /// into `$defs`, and compiles every `pattern`.
    pub(crate) fn new(root: Value) -> Result<Checker, String> {
        let mut patterns = HashMap::new();
        let mut refs = Vec::new();
        survey(&root, "", &mut patterns, &mut refs)?;
        for r in refs {
            if resolve(&root, &r).is_none() {
                return Err(format!("`$ref` {r} points to no schema"));
            }
        }
        Ok(Checker { root, patterns })
    }

    /// Every violation of the schema by `instance`.
    pub(crate) fn check(&self, instance: &Value) -> Vec<SchemaViolation> {
        let mut out = Vec::new();
        self.node(&self.root, instance, "", "", &mut out);
        out
    }

    fn is_valid(&self, schema: &Value, instance: &Value) -> bool {
        let mut out = Vec::new();
        self.node(schema, instance, "", "", &mut out);
        out.is_empty()
    }

    fn node(
        &self,
        schema: &Value,
        instance: &Value,
        at: &str,
        keyword_at: &str,
        out: &mut Vec<SchemaViolation>,
    ) {
        let map = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                out.push(violation(
                    at,
                    keyword_at.to_owned(),
                    format!("False schema does not allow {instance}"),
                ));
                return;
            }
            Value::Object(map) => map,
            _ => return,
        };
        let here = |keyword: &str| format!("{keyword_at}/{keyword}");
        if let Some(target) = map.get("$ref").and_then(Value::as_str)
            && let Some(def) = resolve(&self.root, target)
        {
            self.node(def, instance, at, &here("$ref"), out);
        }
        if let Some(types) = map.get("type") {
            type_check(types, instance, at, here("type"), out);
        }
        if let Some(Value::Array(options)) = map.get("enum")
            && !options.iter().any(|o| equal(o, instance))
        {
            out.push(violation(at, here("enum"), enum_message(instance, options)));
        }
        if let Some(expected) = map.get("const")
            && !equal(expected, instance)
        {
            out.push(violation(
                at,
                here("const"),
                format!("{expected} was expected"),
            ));
        }
        match instance {
            Value::String(text) => self.string(map, instance, text, at, &here, out),
            Value::Number(n) => number(map, instance, n.as_f64(), at, &here, out),
            Value::Array(items) => self.array(map, instance, items, at, &here, out),
            Value::Object(object) => self.object(map, object, at, &here, out),
            _ => {}
        }
        if let Some(Value::Array(all)) = map.get("allOf") {
            for (i, sub) in all.iter().enumerate() {
                self.node(sub, instance, at, &format!("{}/{i}", here("allOf")), out);
            }
        }
        if let Some(condition) = map.get("if") {
            let (branch, keyword) = if self.is_valid(condition, instance) {
                (map.get("then"), "then")
            } else {
                (map.get("else"), "else")
            };
            if let Some(branch) = branch {
                self.node(branch, instance, at, &here(keyword), out);
            }
        }
    }

    fn string(
        &self,
        map: &Map<String, Value>,
        instance: &Value,
        text: &str,
        at: &str,
        here: &dyn Fn(&str) -> String,
        out: &mut Vec<SchemaViolation>,
    ) {
        let length = || text.chars().count() as u64;
        if let Some(limit) = map.get("minLength").and_then(Value::as_u64)
            && length() < limit
        {
            let s = plural(limit, "character", "characters");
            let message = format!("{instance} is shorter than {limit} {s}");
            out.push(violation(at, here("minLength"), message));
        }
        if let Some(limit) = map.get("maxLength").and_then(Value::as_u64)
            && length() > limit
        {
            let s = plural(limit, "character", "characters");
            let message = format!("{instance} is longer than {limit} {s}");
            out.push(violation(at, here("maxLength"), message));
        }
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str)
            && let Some(regex) = self.patterns.get(pattern)
            && !regex.is_match(text)
        {
            let message = format!("{instance} does not match \"{pattern}\"");
            out.push(violation(at, here("pattern"), message));
        }
    }

    fn array(
        &self,
        map: &Map<String, Value>,
        instance: &Value,
        items: &[Value],
        at: &str,
        here: &dyn Fn(&str) -> String,
        out: &mut Vec<SchemaViolation>,
    ) {
        let count = items.len() as u64;
        if let Some(limit) = map.get("minItems").and_then(Value::as_u64)
            && count < limit
        {
            let s = plural(limit, "item", "items");
            let message = format!("{instance} has less than {limit} {s}");
            out.push(violation(at, here("minItems"), message));
        }
        if let Some(limit) = map.get("maxItems").and_then(Value::as_u64)
            && count > limit
        {
            let s = plural(limit, "item", "items");
            let message = format!("{instance} has more than {limit} {s}");
            out.push(violation(at, here("maxItems"), message));
        }
        if let Some(schema) = map.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.node(schema, item, &format!("{at}/{i}"), &here("items"), out);
            }
        }
    }

    fn object(
        &self,
        map: &Map<String, Value>,
        object: &Map<String, Value>,
        at: &str,
        here: &dyn Fn(&str) -> String,
        out: &mut Vec<SchemaViolation>,
    ) {
        let properties = map.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = map.get("required") {
            for name in required {
                if name.as_str().is_some_and(|n| !object.contains_key(n)) {
                    let message = format!("{name} is a required property");
                    out.push(violation(at, here("required"), message));
                }
            }
        }
        if let Some(properties) = properties {
            for (name, schema) in properties {
                if let Some(value) = object.get(name) {
                    let keyword_at = format!("{}/{}", here("properties"), escape(name));
                    self.node(schema, value, &child(at, name), &keyword_at, out);
                }
            }
        }
        let Some(additional) = map.get("additionalProperties") else {
            return;
        };
        let extra = object
            .iter()
            .filter(|(name, _)| properties.is_none_or(|p| !p.contains_key(*name)));
        if additional == &Value::Bool(false) {
            let unexpected: Vec<String> = extra.map(|(name, _)| format!("'{name}'")).collect();
            if !unexpected.is_empty() {
                let verb = if unexpected.len() == 1 { "was" } else { "were" };
                let message = format!(
                    "Additional properties are not allowed ({} {verb} unexpected)",
                    unexpected.join(", ")
                );
                out.push(violation(at, here("additionalProperties"), message));
            }
        } else {
            for (name, value) in extra {
                self.node(
                    additional,
                    value,
                    &child(at, name),
                    &here("additionalProperties"),
                    out,
                );
            }
        }
    }
}

fn number(
    map: &Map<String, Value>,
    instance: &Value,
    value: Option<f64>,
    at: &str,
    here: &dyn Fn(&str) -> String,
    out: &mut Vec<SchemaViolation>,
) {
    let Some(value) = value else {
        return;
    };
    if let Some(limit) = map.get("minimum")
        && limit.as_f64().is_some_and(|l| value < l)
    {
        let message = format!("{instance} is less than the minimum of {limit}");
        out.push(violation(at, here("minimum"), message));
    }
    if let Some(limit) = map.get("maximum")
        && limit.as_f64().is_some_and(|l| value > l)
    {
        let message = format!("{instance} is greater than the maximum of {limit}");
        out.push(violation(at, here("maximum"), message));
    }
}

fn type_check(
    types: &Value,
    instance: &Value,
    at: &str,
    keyword_at: String,
    out: &mut Vec<SchemaViolation>,
) {
    let names: Vec<&str> = match types {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    if names.iter().any(|t| is_type(t, instance)) {
        return;
    }
    let message = match names.as_slice() {
        [one] => format!("{instance} is not of type \"{one}\""),
        many => {
            let quoted: Vec<String> = many.iter().map(|t| format!("\"{t}\"")).collect();
            format!("{instance} is not of types {}", quoted.join(", "))
        }
    };
    out.push(violation(at, keyword_at, message));
}

fn is_type(name: &str, instance: &Value) -> bool {
    match name {
        "null" => instance.is_null(),
        "boolean" => instance.is_boolean(),
        "object" => instance.is_object(),
        "array" => instance.is_array(),
        "string" => instance.is_string(),
        "number" => instance.is_number(),
        "integer" => match instance {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        _ => false,
    }
}

/// JSON equality, numbers by value (`1` equals `1.0`).
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn enum_message(instance: &Value, options: &[Value]) -> String {
    const SHOWN: usize = 3;
    let mut text = format!("{instance} is not one of ");
    if options.len() <= SHOWN {
        for (i, option) in options.iter().enumerate() {
            if i == 0 {
                text.push_str(&option.to_string());
            } else if i == options.len() - 1 {
                text.push_str(&format!(" or {option}"));
            } else {
                text.push_str(&format!(", {option}"));
            }
        }
    } else {
        let shown: Vec<String> = options[..SHOWN - 1].iter().map(Value::to_string).collect();
        let rest = options.len() - (SHOWN - 1);
        text.push_str(&format!("{} or {rest} other candidates", shown.join(", ")));
    }
    text
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn violation(at: &str, keyword_at: String, message: String) -> SchemaViolation {
    SchemaViolation {
        pointer: at.to_owned(),
        schema_pointer: keyword_at,
        message,
    }
}

/// JSON pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn child(at: &str, token: &str) -> String {
    format!("{at}/{}", escape(token))
}

/// `#/$defs/Name` (or any `#/...` pointer) within `root`.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

/// Refuses keywords the checker does not evaluate, compiles patterns, collects `$ref`s.
fn survey(
    schema: &Value,
    at: &str,
    patterns: &mut HashMap<String, regex_lite::Regex>,
    refs: &mut Vec<String>,
) -> Result<(), String> {
    let Value::Object(map) = schema else {
        return match schema {
            Value::Bool(_) => Ok(()),
            _ => Err(format!("{at}: a schema must be an object or a boolean")),
        };
    };
    for (keyword, value) in map {
        let here = format!("{at}/{}", escape(keyword));
        match keyword.as_str() {
            "$defs" | "properties" => {
                for (name, sub) in value.as_object().into_iter().flatten() {
                    survey(sub, &child(&here, name), patterns, refs)?;
                }
            }
            "allOf" => {
                for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                    survey(sub, &format!("{here}/{i}"), patterns, refs)?;
                }
            }
            "items" | "additionalProperties" | "if" | "then" | "else" => {
                survey(value, &here, patterns, refs)?;
            }
            "$ref" => refs.push(value.as_str().unwrap_or_default().to_owned()),
            "pattern" => {
                let text = value.as_str().unwrap_or_default();
                let regex = regex_lite::Regex::new(text)
                    .map_err(|e| format!("{here}: pattern {text:?} does not compile: {e}"))?;
                patterns.insert(text.to_owned(), regex);
            }
            k if EVALUATED.contains(&k) || ANNOTATIONS.contains(&k) => {}
            other => return Err(format!("{here}: keyword `{other}` is not supported")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_generated_manifest_schema_uses_only_keywords_the_checker_evaluates() {
        let schema: Value =
            serde_json::from_str(crate::generated::MANIFEST_SCHEMA).expect("generated JSON");
        Checker::new(schema).expect("supported");
    }

    #[test]
    fn an_unknown_keyword_is_refused_not_ignored() {
        let e = Checker::new(json!({"properties": {"a": {"oneOf": [true]}}}))
            .err()
            .expect("refused");
        assert_eq!(e, "/properties/a/oneOf: keyword `oneOf` is not supported");
    }
}

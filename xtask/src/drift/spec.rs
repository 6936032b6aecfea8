//! The spec's side: what an operation declares, in the shape a page table lists it, and the
//! "Resolved:" notes that explain known differences.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::facts::{Facts, Item};

/// The "Resolved:" notes that can explain a difference in one operation: those in the
/// operation itself (its description, parameters, request body and responses), in its path's
/// shared parameters, and in every component those reach through `$ref`, followed to any
/// depth. A note elsewhere (another operation, the document's introduction) explains nothing
/// here: a note about a 400 on one operation must not hide a 400 dropped from another.
/// Each note runs from "Resolved:" to the next one or the end of its description.
pub fn resolved_notes(doc: &Value, path_item: &Value, op: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    collect_notes(doc, op, &mut seen, &mut out);
    if let Some(shared) = path_item.get("parameters") {
        collect_notes(doc, shared, &mut seen, &mut out);
    }
    out
}

/// Collects notes under `node`, following each `$ref` once (`seen` holds the references
/// already followed, so cycles end).
fn collect_notes(doc: &Value, node: &Value, seen: &mut BTreeSet<String>, out: &mut Vec<String>) {
    match node {
        Value::String(s) => notes_in(s, out),
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                && seen.insert(reference.to_owned())
                && let Some(target) = reference
                    .strip_prefix('#')
                    .and_then(|pointer| doc.pointer(pointer))
            {
                collect_notes(doc, target, seen, out);
            }
            map.values().for_each(|v| collect_notes(doc, v, seen, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_notes(doc, v, seen, out)),
        _ => {}
    }
}

fn notes_in(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(pos) = rest.find("Resolved:") {
        let note = &rest[pos..];
        let end = note[1..].find("Resolved:").map_or(note.len(), |e| e + 1);
        out.push(note[..end].to_owned());
        rest = &note[end..];
    }
}

fn deref<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

fn enum_values(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = deref(doc, schema);
    let direct = schema.get("enum").or_else(|| {
        schema
            .get("items")
            .map(|i| deref(doc, i))
            .and_then(|i| i.get("enum"))
    });
    direct
        .and_then(Value::as_array)
        .map(|vals| {
            vals.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Properties of `schema` at every depth (through `$ref`, `allOf`, `items`), by name, with
/// whether their own parent requires them; and the top-level names.
fn properties(
    doc: &Value,
    schema: &Value,
    depth: usize,
    all: &mut BTreeMap<String, Item>,
    top: &mut BTreeSet<String>,
) {
    if depth > 6 {
        return;
    }
    let schema = deref(doc, schema);
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        properties(doc, part, depth, all, top);
    }
    if let Some(items) = schema.get("items") {
        properties(doc, items, depth, all, top);
    }
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, sub) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if depth == 0 {
            top.insert(name.clone());
        }
        all.entry(name.clone()).or_insert_with(|| Item {
            name: name.clone(),
            place: String::new(),
            required: Some(required.contains(name.as_str())),
            values: enum_values(doc, sub),
        });
        properties(doc, sub, depth + 1, all, top);
    }
}

fn body_schema<'a>(doc: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let holder = deref(doc, holder);
    let content = holder.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// What the spec declares for one operation.
pub fn facts(doc: &Value, path_item: &Value, op: &Value) -> Facts {
    let mut facts = Facts::default();
    let mut params = BTreeMap::new();
    for p in [path_item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let p = deref(doc, p);
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
        let item = Item {
            name: name.to_owned(),
            place: place.to_owned(),
            required: Some(p.get("required").and_then(Value::as_bool) == Some(true)),
            values: p
                .get("schema")
                .map(|s| enum_values(doc, s))
                .unwrap_or_default(),
        };
        let key = if place == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        params.insert(key, item);
    }
    facts.params = Some(params);
    let mut request = BTreeMap::new();
    if let Some(schema) = op.get("requestBody").and_then(|b| body_schema(doc, b)) {
        properties(doc, schema, 0, &mut request, &mut facts.request_top);
    }
    facts.request_props = Some(request);
    let mut response = BTreeMap::new();
    let mut headers = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for (code, r) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_digit()) {
            statuses.insert(code.clone());
        }
        if !code.starts_with('2') {
            continue;
        }
        if let Some(schema) = body_schema(doc, r) {
            properties(doc, schema, 0, &mut response, &mut facts.response_top);
        }
        for name in deref(doc, r)
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|h| h.keys())
        {
            headers.insert(name.to_ascii_lowercase());
        }
    }
    facts.response_props = Some(response);
    facts.response_headers = Some(headers);
    facts.statuses = Some(statuses);
    facts
}

/// Every name the spec uses for this operation (to split glued table rows).
pub fn known_names(facts: &Facts) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for map in [&facts.params, &facts.request_props, &facts.response_props]
        .into_iter()
        .flatten()
    {
        out.extend(map.values().map(|i| i.name.clone()));
    }
    out
}

//! The rules Redocly (`recommended-strict`) and Spectral (`spectral:oas`) apply that a Rust
//! check can see, so `cargo xtask validate` finds what `tools/spec-checks.sh` would reject
//! before the Node tools ever run. Each problem names the linter rule it stands for.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{METHODS, Problem, join, problem};

/// Component sections whose entries are referenced by `$ref`.
const REF_SECTIONS: [&str; 7] = [
    "schemas",
    "parameters",
    "responses",
    "examples",
    "requestBodies",
    "headers",
    "links",
];

/// Runs every rule.
pub fn check(doc: &Value, problems: &mut Vec<Problem>) {
    unused_components(doc, problems);
    info_and_servers(doc, problems);
    tags(doc, problems);
    operations(doc, problems);
    schemas(doc, "", problems);
}

/// Every `$ref` string anywhere under `node`.
fn refs_in<'a>(node: &'a Value, out: &mut Vec<&'a str>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(r) = v.as_str() {
                        out.push(r);
                    }
                } else {
                    refs_in(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| refs_in(i, out)),
        _ => {}
    }
}

/// `no-unused-components` (Redocly), `oas3-unused-component` (Spectral): every component is
/// reachable from the paths, following `$ref`s transitively; security schemes are used by
/// name from a `security` requirement.
fn unused_components(doc: &Value, problems: &mut Vec<Problem>) {
    let Some(components) = doc.get("components").and_then(Value::as_object) else {
        return;
    };
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    let mut roots = Vec::new();
    for (key, value) in doc.as_object().into_iter().flatten() {
        if key != "components" {
            refs_in(value, &mut roots);
        }
    }
    queue.extend(roots.into_iter().map(str::to_owned));
    while let Some(r) = queue.pop() {
        if !reached.insert(r.clone()) {
            continue;
        }
        if let Some(target) = r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            let mut next = Vec::new();
            refs_in(target, &mut next);
            queue.extend(next.into_iter().map(str::to_owned));
        }
    }
    for section in REF_SECTIONS {
        for name in components
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            let pointer = format!("#/components/{section}/{}", escape(name));
            if !reached.contains(&pointer) {
                problems.push(problem(
                    format!("components.{section}.{name}"),
                    "component is never referenced from the paths (no-unused-components / \
                     oas3-unused-component): remove it, or reference it",
                ));
            }
        }
    }
    let mut used_schemes = BTreeSet::new();
    let mut requirement_lists: Vec<&Value> = doc.get("security").into_iter().collect();
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in METHODS {
            if let Some(s) = item.get(method).and_then(|op| op.get("security")) {
                requirement_lists.push(s);
            }
        }
    }
    for list in requirement_lists {
        for requirement in list.as_array().into_iter().flatten() {
            for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
                used_schemes.insert(name.clone());
            }
        }
    }
    for name in components
        .get("securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys())
    {
        if !used_schemes.contains(name) {
            problems.push(problem(
                format!("components.securitySchemes.{name}"),
                "security scheme is never required by any operation (no-unused-components)",
            ));
        }
    }
    for section in components.keys() {
        for name in components
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            let ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !ok {
                problems.push(problem(
                    format!("components.{section}.{name}"),
                    "component names may use only A-Z a-z 0-9 . _ - \
                     (spec-components-invalid-map-name)",
                ));
            }
        }
    }
}

/// JSON-pointer escaping of one reference token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn nonempty_str(node: Option<&Value>) -> bool {
    node.and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

/// `info-contact`, `info-description`, `info-license` (+ its url), `oas3-api-servers`,
/// `no-empty-servers`, `no-server-trailing-slash`, `no-server-example.com`.
fn info_and_servers(doc: &Value, problems: &mut Vec<Problem>) {
    let info = doc.get("info");
    if !nonempty_str(info.and_then(|i| i.get("description"))) {
        problems.push(problem(
            "info.description",
            "info has no description (info-description)",
        ));
    }
    if !info
        .and_then(|i| i.get("contact"))
        .is_some_and(Value::is_object)
    {
        problems.push(problem(
            "info.contact",
            "info has no contact (info-contact)",
        ));
    }
    let license = info.and_then(|i| i.get("license"));
    if !nonempty_str(license.and_then(|l| l.get("name"))) {
        problems.push(problem(
            "info.license",
            "info has no license name (info-license)",
        ));
    } else if !nonempty_str(license.and_then(|l| l.get("url"))) {
        problems.push(problem(
            "info.license.url",
            "the license has no url (info-license-url)",
        ));
    }
    let servers = doc.get("servers").and_then(Value::as_array);
    match servers {
        Some(list) if !list.is_empty() => {
            for (i, server) in list.iter().enumerate() {
                let at = format!("servers.{i}.url");
                let url = server
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if url.is_empty() {
                    problems.push(problem(at, "server has no url (oas3-api-servers)"));
                } else if url.ends_with('/') {
                    problems.push(problem(
                        at,
                        format!("server url `{url}` ends with `/` (no-server-trailing-slash)"),
                    ));
                } else if url.contains("example.com") {
                    problems.push(problem(
                        at,
                        format!("server url `{url}` is example.com (no-server-example.com)"),
                    ));
                }
            }
        }
        _ => problems.push(problem(
            "servers",
            "the document declares no server (no-empty-servers / oas3-api-servers)",
        )),
    }
}

/// `tag-description`, `openapi-tags`, unique tag names.
fn tags(doc: &Value, problems: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    let Some(tags) = doc.get("tags").and_then(Value::as_array) else {
        problems.push(problem(
            "tags",
            "the document declares no tags (openapi-tags)",
        ));
        return;
    };
    for (i, tag) in tags.iter().enumerate() {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default();
        if !seen.insert(name.to_owned()) {
            problems.push(problem(
                format!("tags.{i}"),
                format!("tag `{name}` is declared twice"),
            ));
        }
        if !nonempty_str(tag.get("description")) {
            problems.push(problem(
                format!("tags.{i}.description"),
                format!("tag `{name}` has no description (tag-description)"),
            ));
        }
    }
}

/// Per operation: `operation-description`, `operation-2xx-response` /
/// `operation-success-response`, `operation-4xx-response`, `operation-parameters-unique`,
/// `operation-operationId-url-safe`, `security-defined`, `path-not-include-query`,
/// `path-declaration-must-exist`.
fn operations(doc: &Value, problems: &mut Vec<Problem>) {
    let global_security = doc
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if path.contains('?') {
            problems.push(problem(
                format!("paths.{path}"),
                "a path must not include a query string (path-not-include-query)",
            ));
        }
        if path.contains("{}") {
            problems.push(problem(
                format!("paths.{path}"),
                "a path parameter needs a name inside `{}` (path-declaration-must-exist)",
            ));
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("paths.{path}.{method}");
            if !nonempty_str(op.get("description")) {
                problems.push(problem(
                    format!("{at}.description"),
                    "operation has no description (operation-description)",
                ));
            }
            let codes: Vec<&String> = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|r| r.keys().collect())
                .unwrap_or_default();
            if !codes
                .iter()
                .any(|c| c.starts_with('2') || c.starts_with('3'))
            {
                problems.push(problem(
                    format!("{at}.responses"),
                    "operation has no 2xx or 3xx response (operation-2xx-response)",
                ));
            }
            if !codes.iter().any(|c| c.starts_with('4')) {
                problems.push(problem(
                    format!("{at}.responses"),
                    "operation has no 4xx response (operation-4xx-response)",
                ));
            }
            if let Some(id) = op.get("operationId").and_then(Value::as_str)
                && !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=".contains(c))
            {
                problems.push(problem(
                    format!("{at}.operationId"),
                    format!("operationId `{id}` is not URL-safe (operation-operationId-url-safe)"),
                ));
            }
            let mut params: BTreeMap<(String, String), usize> = BTreeMap::new();
            for p in [item.get("parameters"), op.get("parameters")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .flatten()
            {
                let p = super::deref(doc, p).unwrap_or(p);
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
                *params
                    .entry((name.to_owned(), place.to_owned()))
                    .or_default() += 1;
            }
            // Path-level parameters may be overridden by the operation, so count only the
            // operation's own list for duplicates.
            let mut own: BTreeMap<(String, String), usize> = BTreeMap::new();
            for p in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let p = super::deref(doc, p).unwrap_or(p);
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                let place = p.get("in").and_then(Value::as_str).unwrap_or_default();
                *own.entry((name.to_owned(), place.to_owned())).or_default() += 1;
            }
            for ((name, place), n) in own {
                if n > 1 {
                    problems.push(problem(
                        format!("{at}.parameters"),
                        format!(
                            "parameter `{name}` in {place} is declared {n} times \
                             (operation-parameters-unique)"
                        ),
                    ));
                }
            }
            let secured = global_security || op.get("security").is_some();
            if !secured {
                problems.push(problem(
                    format!("{at}.security"),
                    "operation has no security requirement and there is no global one \
                     (security-defined)",
                ));
            }
        }
    }
}

/// Schema rules, anywhere in the document: `typed-enum` / `no-enum-type-mismatch`,
/// `duplicated-entry-in-enum`, `array-items`, `no-$ref-siblings`.
fn schemas(node: &Value, at: &str, problems: &mut Vec<Problem>) {
    match node {
        Value::Object(map) => {
            if map.contains_key("$ref") {
                let siblings: Vec<&String> = map
                    .keys()
                    .filter(|k| *k != "$ref" && !k.starts_with("x-"))
                    .collect();
                if !siblings.is_empty() && !at.ends_with(".examples") {
                    problems.push(problem(
                        at,
                        format!(
                            "keys beside a $ref are ignored in OpenAPI 3.0 ({}); wrap the $ref \
                             in allOf (no-$ref-siblings)",
                            siblings
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
            if let Some(values) = map.get("enum").and_then(Value::as_array) {
                let ty = map.get("type").and_then(Value::as_str);
                let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
                for v in values {
                    let fits = match (ty, v) {
                        (_, Value::Null) => nullable,
                        (None, _) => true,
                        (Some("string"), Value::String(_)) => true,
                        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
                        (Some("number"), Value::Number(_)) => true,
                        (Some("boolean"), Value::Bool(_)) => true,
                        (Some("array"), Value::Array(_)) => true,
                        (Some("object"), Value::Object(_)) => true,
                        _ => false,
                    };
                    if !fits {
                        problems.push(problem(
                            join(at, "enum"),
                            format!(
                                "enum value {v} is not of the schema's type {} \
                                 (typed-enum / no-enum-type-mismatch)",
                                ty.unwrap_or("?")
                            ),
                        ));
                    }
                }
                let mut seen = BTreeSet::new();
                for v in values {
                    if !seen.insert(v.to_string()) {
                        problems.push(problem(
                            join(at, "enum"),
                            format!("enum value {v} is listed twice (duplicated-entry-in-enum)"),
                        ));
                    }
                }
            }
            if map.get("type").and_then(Value::as_str) == Some("array")
                && !map.contains_key("items")
            {
                problems.push(problem(
                    at,
                    "an array schema must say what its items are (array-items)",
                ));
            }
            for (k, v) in map {
                if k == "example" || k == "examples" && !v.is_object() || k.starts_with("x-") {
                    continue;
                }
                if k == "example" || (k == "value" && at.contains(".examples.")) {
                    continue;
                }
                schemas(v, &join(at, k), problems);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                schemas(item, &join(at, &i.to_string()), problems);
            }
        }
        _ => {}
    }
}

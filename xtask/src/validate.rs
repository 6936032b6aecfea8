//! `cargo xtask validate [SPEC] [--coverage FILE] [--docs DIR]`: checks a spec before it is
//! generated from or handed to another team.
//!
//! Checks, each reported with the location it concerns:
//! - the file parses as YAML and as an OpenAPI 3.0 document (openapiv3);
//! - every `$ref` resolves inside the document;
//! - every operation has an `operationId`, a `summary`, exactly one tag that the document
//!   declares, and an `x-source` naming the page (title and address), the saved file and
//!   the section it transcribes (when the pages are present, the section heading must occur
//!   in its page; `cargo xtask drift` compares the section's text and tables);
//! - every path template parameter is declared `in: path`, and every declared path
//!   parameter occurs in the template;
//! - every POST or PATCH says whether it is safe to repeat (`x-idempotent`), which retrying
//!   clients (ours through the generated operations table) rely on;
//! - every operation has at most one error schema and one success body (progenitor panics
//!   otherwise);
//! - every example (media type, parameter, schema property) validates against its schema;
//! - with a coverage list (by default `openapi/coverage.yaml` for the default spec), the
//!   documented operations are all present, at the listed method and path, and no others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Deserialize;
use serde_json::Value;

use crate::paths;

mod lint;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where in the document, e.g. `paths./v1/skills.get.operationId`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// Command line of `cargo xtask validate`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// The spec to check (default openapi/smapi.yaml, which also checks openapi/coverage.yaml)
    pub spec: Option<PathBuf>,
    /// The list of documented operations the spec must cover
    #[arg(long, value_name = "FILE")]
    pub coverage: Option<PathBuf>,
    /// Folder with the saved Amazon pages, to check each x-source section heading
    /// (default ../shared/api-docs when it exists)
    #[arg(long, visible_alias = "pages", value_name = "DIR")]
    pub docs: Option<PathBuf>,
    /// Fail when the pages are not there (CI passes this), instead of saying the page
    /// sections were not checked
    #[arg(long)]
    pub require_pages: bool,
}

impl Args {
    /// The real spec, checked against the pages beside the repository, which must be there.
    pub fn require_pages() -> Self {
        Args {
            require_pages: true,
            ..Args::default()
        }
    }
}

/// Where the pages come from, or why the page sections cannot be checked.
enum Pages {
    At(PathBuf),
    Missing(String),
}

fn pages(args: &Args) -> Pages {
    match &args.docs {
        Some(dir) if dir.is_dir() => Pages::At(dir.clone()),
        Some(dir) => Pages::Missing(format!("--docs {} is not a folder", dir.display())),
        None if args.spec.is_some() => Pages::Missing(
            "no --docs DIR given (only the default spec is checked against \
             ../shared/api-docs by default)"
                .to_owned(),
        ),
        None => {
            // The pages live beside the repository (../shared/api-docs) in every checkout
            // CI makes.
            let beside = paths::root().join(paths::PAGES_BESIDE);
            if beside.is_dir() {
                Pages::At(beside)
            } else {
                Pages::Missing(format!(
                    "no saved pages at {} (pass --docs DIR with the four saved Amazon pages)",
                    paths::PAGES_BESIDE
                ))
            }
        }
    }
}

/// Entry point for `cargo xtask validate`.
pub fn run(args: Args) -> ExitCode {
    let root = paths::root();
    let default_spec = args.spec.is_none();
    let spec = args.spec.clone().unwrap_or_else(|| root.join(paths::SPEC));
    let coverage = args
        .coverage
        .clone()
        .or_else(|| default_spec.then(|| root.join(paths::COVERAGE)));
    let pages = pages(&args);
    let docs = match &pages {
        Pages::At(dir) => Some(dir.as_path()),
        Pages::Missing(_) => None,
    };
    let mut problems = validate_file(&spec, coverage.as_deref(), docs);
    let shown = spec.display();
    if let Pages::Missing(why) = &pages
        && (args.require_pages || args.docs.is_some())
    {
        problems.push(problem(
            "x-source",
            format!("page sections cannot be checked: {why}"),
        ));
    }
    if problems.is_empty() {
        match &pages {
            Pages::At(dir) => println!(
                "{shown}: valid (x-source sections checked against {})",
                dir.display()
            ),
            Pages::Missing(why) => {
                println!("{shown}: valid, but x-source page sections NOT checked: {why}")
            }
        }
        return ExitCode::SUCCESS;
    }
    for p in &problems {
        eprintln!("{shown}: {}: {}", p.location, p.message);
    }
    if let Pages::Missing(why) = &pages
        && !args.require_pages
        && args.docs.is_none()
    {
        eprintln!("{shown}: x-source page sections NOT checked: {why}");
    }
    eprintln!("{shown}: {} problem(s)", problems.len());
    ExitCode::FAILURE
}

/// Validates the spec at `spec`, optionally against a coverage list and the source pages.
pub fn validate_file(spec: &Path, coverage: Option<&Path>, docs: Option<&Path>) -> Vec<Problem> {
    let text = match std::fs::read_to_string(spec) {
        Ok(text) => text,
        Err(e) => return vec![problem("(file)", format!("cannot read: {e}"))],
    };
    let mut problems = validate_text(&text, docs);
    if let Some(coverage) = coverage {
        problems.extend(check_coverage_file(&text, coverage));
    }
    problems.sort();
    problems.dedup();
    problems
}

fn problem(location: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        location: location.into(),
        message: message.into(),
    }
}

/// Validates spec text; see the module docs for the checks.
pub fn validate_text(text: &str, docs: Option<&Path>) -> Vec<Problem> {
    let doc: Value = match serde_norway::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![problem("(document)", format!("not valid YAML: {e}"))],
    };
    let mut problems = Vec::new();
    if let Err(e) = serde_norway::from_str::<openapiv3::OpenAPI>(text) {
        problems.push(problem(
            "(document)",
            format!("not a valid OpenAPI 3.0 document: {e}"),
        ));
    }
    if !doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0."))
    {
        problems.push(problem("openapi", "must be an OpenAPI 3.0.x version"));
    }
    check_refs(&doc, &doc, "", &mut problems);
    check_operations(&doc, docs, &mut problems);
    check_examples(&doc, &mut problems);
    lint::check(&doc, &mut problems);
    problems
}

// ---------------------------------------------------------------------------------------------
// $ref resolution

fn resolve_pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

fn check_refs(doc: &Value, node: &Value, at: &str, problems: &mut Vec<Problem>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = join(at, key);
                if key == "$ref" {
                    match value.as_str() {
                        Some(r) if resolve_pointer(doc, r).is_some() => {}
                        Some(r) => problems.push(problem(
                            here,
                            format!("$ref `{r}` does not resolve inside the document"),
                        )),
                        None => problems.push(problem(here, "$ref must be a string")),
                    }
                } else {
                    check_refs(doc, value, &here, problems);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_refs(doc, item, &join(at, &i.to_string()), problems);
            }
        }
        _ => {}
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// Follows `$ref`s (a chain of them) to the node they name; unresolvable refs give `None`.
fn deref<'a>(doc: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => node = resolve_pointer(doc, r)?,
            None => return Some(node),
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Operations

fn operations(doc: &Value) -> Vec<(String, String, &Value, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push((path.clone(), method.to_owned(), item, op));
                }
            }
        }
    }
    out
}

fn check_operations(doc: &Value, docs: Option<&Path>, problems: &mut Vec<Problem>) {
    let declared_tags: BTreeSet<&str> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut page_cache: BTreeMap<String, Option<String>> = BTreeMap::new();

    for (path, method, item, op) in operations(doc) {
        let at = format!("paths.{path}.{method}");
        match op.get("operationId").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => {
                if let Some(other) = seen_ids.insert(id.to_owned(), at.clone()) {
                    problems.push(problem(
                        format!("{at}.operationId"),
                        format!("operationId `{id}` is also used by {other}"),
                    ));
                }
            }
            _ => problems.push(problem(
                format!("{at}.operationId"),
                "operation has no operationId",
            )),
        }
        let summary = op
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if summary.trim().is_empty() {
            problems.push(problem(format!("{at}.summary"), "operation has no summary"));
        }
        match op.get("tags").and_then(Value::as_array).map(Vec::as_slice) {
            Some([tag]) => {
                let name = tag.as_str().unwrap_or_default();
                if !declared_tags.contains(name) {
                    problems.push(problem(
                        format!("{at}.tags"),
                        format!("tag `{name}` is not declared in the top-level tags"),
                    ));
                }
            }
            _ => problems.push(problem(
                format!("{at}.tags"),
                "operation must have exactly one tag",
            )),
        }
        if matches!(method.as_str(), "post" | "patch")
            && !op.get("x-idempotent").is_some_and(Value::is_boolean)
        {
            problems.push(problem(
                format!("{at}.x-idempotent"),
                "a POST or PATCH must say whether repeating it is safe (x-idempotent: true|false)",
            ));
        }
        check_source(op, &at, docs, &mut page_cache, problems);
        check_path_params(doc, &path, item, op, &at, problems);
        check_response_shapes(doc, op, &at, problems);
    }
}

fn check_source(
    op: &Value,
    at: &str,
    docs: Option<&Path>,
    page_cache: &mut BTreeMap<String, Option<String>>,
    problems: &mut Vec<Problem>,
) {
    let source = op.get("x-source");
    let document = source
        .and_then(|s| s.get("document"))
        .and_then(Value::as_str);
    let section = source
        .and_then(|s| s.get("section"))
        .and_then(Value::as_str);
    let (Some(document), Some(section)) = (document, section) else {
        problems.push(problem(
            format!("{at}.x-source"),
            "operation must name its source page and section \
             (x-source: {page, url, document, section, digest})",
        ));
        return;
    };
    let field = |k: &str| source.and_then(|s| s.get(k)).and_then(Value::as_str);
    if field("page").is_none_or(|t| t.trim().is_empty()) {
        problems.push(problem(
            format!("{at}.x-source.page"),
            "x-source must give the title of Amazon's page (x-source.page)",
        ));
    }
    if !field("url").is_some_and(|u| u.starts_with("https://")) {
        problems.push(problem(
            format!("{at}.x-source.url"),
            "x-source must give the https:// address of Amazon's page (x-source.url)",
        ));
    }
    let Some(docs) = docs else { return };
    let page = page_cache
        .entry(document.to_owned())
        .or_insert_with(|| std::fs::read_to_string(docs.join(document)).ok());
    match page {
        None => problems.push(problem(
            format!("{at}.x-source.document"),
            format!("page `{document}` is not among the source pages"),
        )),
        Some(text) if !text.lines().any(|l| l.trim() == section) => problems.push(problem(
            format!("{at}.x-source.section"),
            format!("section heading `{section}` does not occur in `{document}`"),
        )),
        Some(_) => {}
    }
}

fn template_params(path: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.insert(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

fn check_path_params(
    doc: &Value,
    path: &str,
    item: &Value,
    op: &Value,
    at: &str,
    problems: &mut Vec<Problem>,
) {
    let declared: BTreeSet<String> = [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|p| deref(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let in_template = template_params(path);
    for missing in in_template.difference(&declared) {
        problems.push(problem(
            format!("{at}.parameters"),
            format!("path parameter `{missing}` of `{path}` is not declared `in: path`"),
        ));
    }
    for extra in declared.difference(&in_template) {
        problems.push(problem(
            format!("{at}.parameters"),
            format!("path parameter `{extra}` is declared but `{path}` has no `{{{extra}}}`"),
        ));
    }
}

/// The schemas (by identity: `$ref` target, or the inline schema's JSON) of the bodies of the
/// given responses.
fn body_schemas(doc: &Value, responses: &[&Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for response in responses {
        let Some(response) = deref(doc, response) else {
            continue;
        };
        if let Some(content) = response.get("content").and_then(Value::as_object) {
            for media in content.values() {
                if let Some(schema) = media.get("schema") {
                    let key = match schema.get("$ref").and_then(Value::as_str) {
                        Some(r) => r.to_owned(),
                        None => schema.to_string(),
                    };
                    out.insert(key);
                }
            }
        }
    }
    out
}

fn check_response_shapes(doc: &Value, op: &Value, at: &str, problems: &mut Vec<Problem>) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        problems.push(problem(
            format!("{at}.responses"),
            "operation has no responses",
        ));
        return;
    };
    let is_error = |code: &str| code.starts_with('4') || code.starts_with('5') || code == "default";
    let errors: Vec<&Value> = responses
        .iter()
        .filter(|(c, _)| is_error(c))
        .map(|(_, r)| r)
        .collect();
    let successes: Vec<&Value> = responses
        .iter()
        .filter(|(c, _)| c.starts_with('2'))
        .map(|(_, r)| r)
        .collect();
    let error_schemas = body_schemas(doc, &errors);
    if error_schemas.len() > 1 {
        problems.push(problem(
            format!("{at}.responses"),
            format!(
                "operation has {} different error schemas ({}); exactly one is allowed",
                error_schemas.len(),
                error_schemas.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let success_schemas = body_schemas(doc, &successes);
    if success_schemas.len() > 1 {
        problems.push(problem(
            format!("{at}.responses"),
            format!(
                "operation has {} different success bodies ({}); at most one is allowed",
                success_schemas.len(),
                success_schemas.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Examples

/// Every (location, schema, example) triple in the document.
fn examples(doc: &Value) -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    collect_examples(doc, doc, "", &mut out);
    out
}

fn collect_examples(doc: &Value, node: &Value, at: &str, out: &mut Vec<(String, Value, Value)>) {
    match node {
        Value::Object(map) => {
            // A media type object or a parameter: `schema` beside `example` / `examples`.
            if let Some(schema) = map.get("schema") {
                if let Some(example) = map.get("example") {
                    out.push((join(at, "example"), schema.clone(), example.clone()));
                }
                if let Some(named) = map.get("examples").and_then(Value::as_object) {
                    for (name, ex) in named {
                        if let Some(value) = deref(doc, ex).and_then(|e| e.get("value")) {
                            out.push((
                                join(at, &format!("examples.{name}")),
                                schema.clone(),
                                value.clone(),
                            ));
                        }
                    }
                }
            }
            // A schema object with its own `example`: it must fit the schema it sits in.
            let is_schema = map.contains_key("type") || map.contains_key("enum");
            if is_schema
                && !map.contains_key("schema")
                && let Some(example) = map.get("example")
            {
                out.push((join(at, "example"), node.clone(), example.clone()));
            }
            for (key, value) in map {
                if key == "example" || key == "x-source" {
                    continue;
                }
                collect_examples(doc, value, &join(at, key), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_examples(doc, item, &join(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

fn check_examples(doc: &Value, problems: &mut Vec<Problem>) {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    for (at, schema, example) in examples(doc) {
        // Wrap the schema so `#/components/...` references resolve against the spec's own
        // components.
        let root = serde_json::json!({
            "allOf": [schema],
            "components": components,
        });
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .build(&root)
        {
            Ok(v) => v,
            Err(e) => {
                problems.push(problem(at, format!("schema does not compile: {e}")));
                continue;
            }
        };
        for error in validator.iter_errors(&example) {
            let pointer = error.instance_path.to_string();
            let pointer = if pointer.is_empty() { "/" } else { &pointer };
            problems.push(problem(
                at.clone(),
                format!("example does not match its schema at {pointer}: {error}"),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Coverage

#[derive(Deserialize)]
struct Coverage {
    operations: Vec<CoveredOperation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CoveredOperation {
    operation_id: String,
    method: String,
    path: String,
    document: String,
    section: String,
}

fn check_coverage_file(text: &str, coverage: &Path) -> Vec<Problem> {
    let at = format!("coverage {}", coverage.display());
    let list: Coverage = match std::fs::read_to_string(coverage)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_norway::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(list) => list,
        Err(e) => return vec![problem(at, format!("cannot read the coverage list: {e}"))],
    };
    let Ok(doc) = serde_norway::from_str::<Value>(text) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let mut by_id: BTreeMap<String, (String, String, Value)> = operations(&doc)
        .into_iter()
        .filter_map(|(path, method, _, op)| {
            let id = op.get("operationId")?.as_str()?.to_owned();
            Some((
                id,
                (
                    method,
                    path,
                    op.get("x-source").cloned().unwrap_or(Value::Null),
                ),
            ))
        })
        .collect();
    for want in &list.operations {
        let Some((method, path, source)) = by_id.remove(&want.operation_id) else {
            problems.push(problem(
                format!("{at}: {}", want.operation_id),
                format!(
                    "documented operation `{}` ({} {}) is missing from the spec",
                    want.operation_id,
                    want.method.to_uppercase(),
                    want.path
                ),
            ));
            continue;
        };
        if method != want.method || path != want.path {
            problems.push(problem(
                format!("{at}: {}", want.operation_id),
                format!(
                    "`{}` is {} {} in the spec but {} {} in the coverage list",
                    want.operation_id,
                    method.to_uppercase(),
                    path,
                    want.method.to_uppercase(),
                    want.path
                ),
            ));
        }
        let doc_ok = source.get("document").and_then(Value::as_str) == Some(&want.document);
        let section_ok = source.get("section").and_then(Value::as_str) == Some(&want.section);
        if !doc_ok || !section_ok {
            problems.push(problem(
                format!("{at}: {}", want.operation_id),
                format!(
                    "x-source of `{}` must be {} / {}",
                    want.operation_id, want.document, want.section
                ),
            ));
        }
    }
    for id in by_id.keys() {
        problems.push(problem(
            format!("{at}: {id}"),
            format!("operation `{id}` is in the spec but not in the coverage list"),
        ));
    }
    problems
}

//! What a page section's tables list, what the spec says for the same operation, and the
//! differences between the two.

use std::collections::{BTreeMap, BTreeSet};

use super::page::{Page, Section};

/// One listed parameter or property.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// The name as written (headers keep their case here; keys are lower-cased).
    pub name: String,
    /// `path`, `query`, `header` for parameters; empty for properties.
    pub place: String,
    /// Whether the table says it is required (`None` when it does not say).
    pub required: Option<bool>,
    /// The values the table allows (empty when it lists none).
    pub values: Vec<String>,
}

/// Everything a section's tables list. `None` means the section has no such table, so
/// nothing is compared for that kind.
#[derive(Debug, Default)]
pub struct Facts {
    /// Parameters by key (headers lower-cased).
    pub params: Option<BTreeMap<String, Item>>,
    /// Request body properties, at any depth, by name.
    pub request_props: Option<BTreeMap<String, Item>>,
    /// Top-level request body properties (what a page table must list).
    pub request_top: BTreeSet<String>,
    /// Response body properties, at any depth, by name.
    pub response_props: Option<BTreeMap<String, Item>>,
    /// Top-level response body properties.
    pub response_top: BTreeSet<String>,
    /// Response headers (lower-cased).
    pub response_headers: Option<BTreeSet<String>>,
    /// Status codes.
    pub statuses: Option<BTreeSet<String>>,
    /// The page's tables have rows whose names were lost when it was saved.
    pub no_names: bool,
}

/// One difference between a page and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The line of the report.
    pub text: String,
    /// The names or codes it concerns, as a Resolved: note would mention them.
    pub subjects: Vec<String>,
}

impl Difference {
    /// Whether a "Resolved:" note explains this difference: it names one of its subjects
    /// in backticks, or (for a status code) as a word.
    pub fn explained_by(&self, note: &str) -> bool {
        self.subjects.iter().any(|s| {
            note.contains(&format!("`{s}`"))
                || (s.chars().all(|c| c.is_ascii_digit())
                    && note
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| w == s))
        })
    }
}

const PART_HEADS: [&str; 14] = [
    "Request",
    "Parameters",
    "Headers",
    "Body",
    "Response",
    "Exceptions",
    "Request path and header example",
    "Request path and header parameters",
    "Request query parameters",
    "Request body example",
    "Request body properties",
    "Response body example",
    "Response body properties",
    "HTTP status codes",
];

const TYPES: [&str; 7] = [
    "String", "Integer", "Number", "Boolean", "Object", "Array", "Enum",
];
const PLACES: [(&str, &str); 5] = [
    ("Query parameter", "query"),
    ("Query", "query"),
    ("Path", "path"),
    ("Header", "header"),
    ("Body", "body"),
];

/// Names of the LWA token row, which the spec expresses as its security scheme.
fn is_token_row(name: &str) -> bool {
    matches!(name, "access token" | "Authorization")
}

/// A part of a section: the heading it starts with, whether it is on the response side,
/// and its lines.
struct Part<'a> {
    head: &'a str,
    response: bool,
    lines: Vec<&'a str>,
}

fn parts(section: &Section) -> Vec<Part<'_>> {
    let mut out: Vec<Part> = Vec::new();
    let mut response = false;
    for line in section.lines.iter().skip(1) {
        let t = line.trim();
        if PART_HEADS.contains(&t) {
            if t.starts_with("Response") {
                response = true;
            }
            out.push(Part {
                head: t,
                response,
                lines: Vec::new(),
            });
        } else if let Some(p) = out.last_mut() {
            p.lines.push(line);
        }
    }
    out
}

/// Groups of consecutive non-blank lines, trimmed and joined with `\n`.
fn paragraphs(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for l in lines {
        let t = l.trim();
        if t.is_empty() {
            if !cur.is_empty() {
                out.push(cur.join("\n"));
                cur.clear();
            }
        } else {
            cur.push(t);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    out
}

/// Enum values a description lists: "Valid values: A, B." (or a bullet list after it),
/// "Accepted values are a and b", "Accepted value is a".
pub fn values(description: &str) -> Vec<String> {
    let flat = description.replace('\n', " \n ");
    if let Some(pos) = flat.find("Valid values:") {
        let rest = &flat[pos + "Valid values:".len()..];
        let first = rest.split('\n').next().unwrap_or_default().trim();
        if first.is_empty() {
            return description[description.find("Valid values:").unwrap_or(0)..]
                .lines()
                .filter_map(|l| l.trim().strip_prefix('•'))
                .map(|v| v.trim().to_owned())
                .collect();
        }
        let list = first.trim_end_matches('.');
        let items: Vec<String> = list.split(',').map(|v| v.trim().to_owned()).collect();
        let tokens = items.iter().all(|v| {
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        return if tokens { items } else { Vec::new() };
    }
    for lead in ["Accepted values are ", "Accepted value is "] {
        if let Some(pos) = flat.find(lead) {
            let rest = &flat[pos + lead.len()..];
            let end = rest.find(['(', '.', '\n']).unwrap_or(rest.len());
            return rest[..end]
                .replace(" and/or ", ",")
                .replace(" and ", ",")
                .replace(" or ", ",")
                .split(',')
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
        }
    }
    Vec::new()
}

/// Splits a row whose cells were glued together when the page was saved
/// (`skillIdUnique identifier of skill.PathYes`): the name is the longer of the longest
/// known name the row starts with and the first word up to its last capital.
fn split_glued<'a>(row: &'a str, known: &BTreeSet<String>) -> (String, &'a str) {
    let first = row.split_whitespace().next().unwrap_or_default();
    let guess = first
        .char_indices()
        .skip(1)
        .filter(|(_, c)| c.is_uppercase())
        .map(|(i, _)| i)
        .last()
        .map_or(first, |i| &first[..i]);
    let known_prefix = known
        .iter()
        .filter(|k| row.starts_with(k.as_str()))
        .max_by_key(|k| k.len())
        .map(String::as_str)
        .unwrap_or_default();
    let name = if known_prefix.len() > guess.len() {
        known_prefix
    } else {
        guess
    };
    (name.to_owned(), &row[name.len()..])
}

/// Rows of a table whose cells stand in paragraphs of their own: name, [location],
/// description (one or more paragraphs), type, [Yes|No].
fn paragraph_rows(paras: &[String], with_place: bool) -> Vec<Item> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < paras.len() {
        let name = &paras[i];
        let starts_lower = name
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase() || c == '_');
        if name.contains('\n') || !starts_lower || name.len() > 40 {
            break;
        }
        let mut j = i + 1;
        let mut place = String::new();
        if with_place {
            match PLACES
                .iter()
                .find(|(p, _)| paras.get(j).is_some_and(|x| x == p))
            {
                Some((_, key)) => place = (*key).to_owned(),
                None => break,
            }
            j += 1;
        }
        let mut description = Vec::new();
        while j < paras.len() && !TYPES.contains(&paras[j].as_str()) {
            description.push(paras[j].as_str());
            j += 1;
        }
        j += 1; // the type
        let required = match paras.get(j).map(String::as_str) {
            Some("Yes") => Some(true),
            Some("No") => Some(false),
            _ => None,
        };
        if required.is_some() {
            j += 1;
        }
        out.push(Item {
            name: name.clone(),
            place,
            required,
            values: values(&description.join("\n")),
        });
        i = j;
    }
    out
}

/// `Name: {value}` lines of a request example: header names by the table's value name.
fn example_headers(section: &Section) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for l in &section.lines {
        let t = l.trim();
        if let Some((name, value)) = t.split_once(": ")
            && !name.contains(' ')
            && let Some(inner) = value
                .trim()
                .strip_prefix('{')
                .and_then(|v| v.strip_suffix('}'))
        {
            out.insert(inner.to_owned(), name.to_owned());
        }
    }
    out
}

fn key(item: &Item) -> String {
    if item.place == "header" {
        item.name.to_ascii_lowercase()
    } else {
        item.name.clone()
    }
}

/// The facts a section's tables list. `known` holds the spec's names for this operation,
/// which help split rows whose cells were glued together.
pub fn from_section(section: &Section, _page: &Page, known: &BTreeSet<String>) -> Facts {
    let mut facts = Facts::default();
    let header_names = example_headers(section);
    let mut statuses = BTreeSet::new();
    for l in &section.lines {
        if let Some(code) = l.trim().strip_prefix("HTTP/1.1 ") {
            statuses.insert(code.chars().take(3).collect::<String>());
        }
    }
    for part in parts(section) {
        let lines = &part.lines;
        let first = lines.iter().map(|l| l.trim()).find(|l| !l.is_empty());
        match part.head {
            "Parameters" if first.is_some_and(|f| f.starts_with("FieldDescription")) => {
                let params = facts.params.get_or_insert_with(BTreeMap::new);
                for row in lines
                    .iter()
                    .map(|l| l.trim())
                    .skip_while(|l| l.is_empty())
                    .skip(1)
                    .take_while(|l| !l.is_empty())
                {
                    let (name, rest) = split_glued(row, known);
                    let (rest, required) = if let Some(r) = rest.strip_suffix("Yes") {
                        (r, Some(true))
                    } else if let Some(r) = rest.strip_suffix("No") {
                        (r, Some(false))
                    } else {
                        (rest, None)
                    };
                    let (description, place) = PLACES
                        .iter()
                        .find_map(|(p, k)| rest.strip_suffix(p).map(|d| (d, *k)))
                        .unwrap_or((rest, ""));
                    let item = Item {
                        name,
                        place: place.to_owned(),
                        required,
                        values: values(description),
                    };
                    params.insert(key(&item), item);
                }
            }
            "Headers" => {
                for l in lines.iter().map(|l| l.trim()) {
                    let Some((name, _)) = l.split_once(':') else {
                        continue;
                    };
                    if name.is_empty() || name.contains(' ') {
                        continue;
                    }
                    if part.response {
                        facts
                            .response_headers
                            .get_or_insert_with(BTreeSet::new)
                            .insert(name.to_ascii_lowercase());
                    } else {
                        let item = Item {
                            name: name.to_owned(),
                            place: "header".to_owned(),
                            required: None,
                            values: Vec::new(),
                        };
                        facts
                            .params
                            .get_or_insert_with(BTreeMap::new)
                            .insert(key(&item), item);
                    }
                }
            }
            "Response" if lines.iter().any(|l| l.trim() == "FieldDescription") => {
                let props = facts.response_props.get_or_insert_with(BTreeMap::new);
                for row in lines
                    .iter()
                    .map(|l| l.trim())
                    .skip_while(|l| *l != "FieldDescription")
                    .skip(1)
                    .take_while(|l| !l.is_empty())
                {
                    let (name, description) = split_glued(row, known);
                    props.insert(
                        name.clone(),
                        Item {
                            name,
                            values: values(description),
                            ..Item::default()
                        },
                    );
                }
            }
            "Request path and header parameters" | "Request query parameters" => {
                if first.is_some_and(|f| f.contains('|')) {
                    facts.no_names |= lines.iter().any(|l| l.trim() == "|");
                    continue;
                }
                let paras = paragraphs(lines);
                let params = facts.params.get_or_insert_with(BTreeMap::new);
                for mut item in paragraph_rows(paras.get(1..).unwrap_or_default(), true) {
                    if is_token_row(&item.name) {
                        continue;
                    }
                    if item.place == "header"
                        && let Some(real) = header_names.get(&item.name)
                    {
                        item.name = real.clone();
                    }
                    params.insert(key(&item), item);
                }
            }
            "Request body properties" | "Response body properties" => {
                let slot = if part.response {
                    &mut facts.response_props
                } else {
                    &mut facts.request_props
                };
                let props = slot.get_or_insert_with(BTreeMap::new);
                if first.is_some_and(|f| f.contains('|')) {
                    facts.no_names |= lines.iter().any(|l| l.trim() == "|");
                    *slot = None;
                    continue;
                }
                if first.is_some_and(|f| f.contains("has no body")) {
                    continue;
                }
                let paras = paragraphs(lines);
                for item in paragraph_rows(paras.get(1..).unwrap_or_default(), false) {
                    props.insert(item.name.clone(), item);
                }
            }
            "HTTP status codes" => {
                if first.is_some_and(|f| f.contains('|')) {
                    facts.no_names |= lines.iter().any(|l| l.trim() == "|");
                    continue;
                }
                for p in paragraphs(lines) {
                    let code: String = p.chars().take(3).collect();
                    if code.len() == 3
                        && code.chars().all(|c| c.is_ascii_digit())
                        && p[3..].starts_with(' ')
                    {
                        statuses.insert(code);
                    }
                }
            }
            _ => {}
        }
    }
    if !statuses.is_empty() {
        facts.statuses = Some(statuses);
    }
    facts
}

fn required_word(r: bool) -> &'static str {
    if r { "required" } else { "optional" }
}

/// Compares two item maps of one kind (`parameter`, `request property`, ...).
fn items(
    kind: &str,
    page: &BTreeMap<String, Item>,
    spec: &BTreeMap<String, Item>,
    spec_top: Option<&BTreeSet<String>>,
    out: &mut Vec<Difference>,
) {
    let label = |i: &Item| {
        if i.place.is_empty() {
            format!("{kind} `{}`", i.name)
        } else {
            format!("{kind} `{}` ({})", i.name, i.place)
        }
    };
    for (k, p) in page {
        match spec.get(k) {
            None => out.push(Difference {
                text: format!("{}: listed by the page, not in the spec", label(p)),
                subjects: vec![p.name.clone()],
            }),
            Some(s) => {
                if let (Some(pr), Some(sr)) = (p.required, s.required)
                    && pr != sr
                {
                    out.push(Difference {
                        text: format!(
                            "{}: the page says {}, the spec says {}",
                            label(s),
                            required_word(pr),
                            required_word(sr)
                        ),
                        subjects: vec![s.name.clone()],
                    });
                }
                if !p.values.is_empty() && !s.values.is_empty() {
                    for v in p.values.iter().filter(|v| !s.values.contains(v)) {
                        out.push(Difference {
                            text: format!(
                                "{}: value `{v}` listed by the page, not in the spec's enum",
                                label(s)
                            ),
                            subjects: vec![v.clone()],
                        });
                    }
                    for v in s.values.iter().filter(|v| !p.values.contains(v)) {
                        out.push(Difference {
                            text: format!(
                                "{}: value `{v}` in the spec's enum, no longer listed by the page",
                                label(s)
                            ),
                            subjects: vec![v.clone()],
                        });
                    }
                }
            }
        }
    }
    for (k, s) in spec {
        if spec_top.is_some_and(|top| !top.contains(k)) || page.contains_key(k) {
            continue;
        }
        out.push(Difference {
            text: format!("{}: in the spec, no longer listed by the page", label(s)),
            subjects: vec![s.name.clone()],
        });
    }
}

fn sets(kind: &str, page: &BTreeSet<String>, spec: &BTreeSet<String>, out: &mut Vec<Difference>) {
    for p in page.difference(spec) {
        out.push(Difference {
            text: format!("{kind} {p}: listed by the page, not in the spec"),
            subjects: vec![p.clone()],
        });
    }
    for s in spec.difference(page) {
        out.push(Difference {
            text: format!("{kind} {s}: in the spec, no longer listed by the page"),
            subjects: vec![s.clone()],
        });
    }
}

/// Every difference between what the page lists and what the spec has. Kinds the page
/// lists no table for are not compared.
pub fn differences(page: &Facts, spec: &Facts) -> Vec<Difference> {
    let mut out = Vec::new();
    let empty = BTreeMap::new();
    if let Some(p) = &page.params {
        items(
            "parameter",
            p,
            spec.params.as_ref().unwrap_or(&empty),
            None,
            &mut out,
        );
    }
    if let Some(p) = &page.request_props {
        items(
            "request property",
            p,
            spec.request_props.as_ref().unwrap_or(&empty),
            Some(&spec.request_top),
            &mut out,
        );
    }
    if let Some(p) = &page.response_props {
        items(
            "response property",
            p,
            spec.response_props.as_ref().unwrap_or(&empty),
            Some(&spec.response_top),
            &mut out,
        );
    }
    if let Some(p) = &page.response_headers {
        sets(
            "response header",
            p,
            spec.response_headers.as_ref().unwrap_or(&BTreeSet::new()),
            &mut out,
        );
    }
    if let Some(p) = &page.statuses {
        sets(
            "status",
            p,
            spec.statuses.as_ref().unwrap_or(&BTreeSet::new()),
            &mut out,
        );
    }
    out
}

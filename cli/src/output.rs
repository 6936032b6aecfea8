//! stdout: JSON for machines (the API's own field names, pretty-printed), a summary or table
//! for people, or bare IDs for shell variables.

use std::io::{IsTerminal, Write};

use comfy_table::{Table, presets::UTF8_BORDERS_ONLY};
use serde_json::Value;

use crate::args::OutputFormat;

/// Renders a result for a person.
pub type TextRenderer = fn(&Value) -> String;

/// Where and how results are printed.
pub struct Printer {
    format: OutputFormat,
}

impl Printer {
    /// `--output`, else `text` on a terminal and `json` otherwise.
    pub fn new(format: Option<OutputFormat>) -> Self {
        let format = format.unwrap_or_else(|| {
            if std::io::stdout().is_terminal() {
                OutputFormat::Text
            } else {
                OutputFormat::Json
            }
        });
        Printer { format }
    }

    /// The format in force.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// Prints one result.
    pub fn print(&self, json: &Value, ids: &[String], text: TextRenderer) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        match self.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut out, json)?;
                writeln!(out)?;
            }
            OutputFormat::Text => {
                let rendered = text(json);
                out.write_all(rendered.as_bytes())?;
                if !rendered.ends_with('\n') {
                    writeln!(out)?;
                }
            }
            OutputFormat::Id => {
                for id in ids {
                    writeln!(out, "{id}")?;
                }
            }
        }
        out.flush()
    }
}

/// Writes a listing as it arrives: JSON as one array (one element per line), IDs one per
/// line, text as a table at the end.
pub struct ListWriter {
    format: OutputFormat,
    count: usize,
    rows: Vec<Value>,
}

impl ListWriter {
    /// Starts a listing.
    pub fn start(printer: &Printer) -> std::io::Result<Self> {
        if printer.format == OutputFormat::Json {
            let mut out = std::io::stdout().lock();
            out.write_all(b"[")?;
            out.flush()?;
        }
        Ok(ListWriter {
            format: printer.format,
            count: 0,
            rows: Vec::new(),
        })
    }

    /// One skill summary.
    pub fn push(&mut self, item: Value) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        match self.format {
            OutputFormat::Json => {
                out.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut out, &item)?;
            }
            OutputFormat::Id => {
                if let Some(id) = item.get("skillId").and_then(Value::as_str) {
                    writeln!(out, "{id}")?;
                }
            }
            OutputFormat::Text => self.rows.push(item),
        }
        self.count += 1;
        out.flush()
    }

    /// Ends the listing (also after an error, so the JSON stays well-formed).
    pub fn finish(self) -> std::io::Result<usize> {
        let mut out = std::io::stdout().lock();
        match self.format {
            OutputFormat::Json => {
                out.write_all(if self.count == 0 { b"]\n" } else { b"\n]\n" })?;
            }
            OutputFormat::Text => {
                let rendered = skills_table(&self.rows);
                out.write_all(rendered.as_bytes())?;
            }
            OutputFormat::Id => {}
        }
        out.flush()?;
        Ok(self.count)
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY);
    t.set_header(header.iter().copied());
    t
}

/// `key: value` lines; nested values as compact JSON.
pub fn summary(v: &Value) -> String {
    let Some(map) = v.as_object() else {
        return scalar(v);
    };
    let width = map.keys().map(String::len).max().unwrap_or(0);
    map.iter()
        .map(|(k, v)| format!("{k:width$}  {}\n", scalar(v)))
        .collect()
}

/// A skill list.
pub fn skills_table(rows: &[Value]) -> String {
    let mut t = table(&["skillId", "stage", "name", "publication", "lastUpdated"]);
    for row in rows {
        let name = row
            .get("nameByLocale")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(l, n)| format!("{} ({l})", scalar(n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        t.add_row([
            scalar(&row["skillId"]),
            scalar(&row["stage"]),
            name,
            scalar(&row["publicationStatus"]),
            scalar(&row["lastUpdated"]),
        ]);
    }
    format!("{t}\n{} skill stage(s)\n", rows.len())
}

/// One page of a skill list.
pub fn page(v: &Value) -> String {
    let rows = v["skills"].as_array().cloned().unwrap_or_default();
    let mut out = skills_table(&rows);
    if v["isTruncated"] == Value::Bool(true) {
        match v["nextToken"].as_str() {
            Some(token) => out.push_str(&format!(
                "more pages: --next-token {token} for the next, --all for every one\n"
            )),
            None => out.push_str("more pages: use --all\n"),
        }
    }
    out
}

/// A build status (getSkillStatus or the end of a wait).
pub fn status(v: &Value) -> String {
    let mut t = table(&["resource", "status", "errors"]);
    let row = |t: &mut Table, name: String, r: &Value| {
        let last = &r["lastUpdateRequest"];
        let errors = last["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|m| scalar(&m["message"]))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        t.add_row([name, scalar(&last["status"]), errors]);
    };
    if !v["manifest"].is_null() {
        row(&mut t, "manifest".to_owned(), &v["manifest"]);
    }
    if let Some(models) = v["interactionModel"].as_object() {
        for (locale, r) in models {
            row(&mut t, format!("interactionModel {locale}"), r);
        }
    }
    format!("{t}\n")
}

/// A manifest with its ETag.
pub fn manifest(v: &Value) -> String {
    let m = &v["manifest"];
    let locales = m["publishingInformation"]["locales"]
        .as_object()
        .map(|l| {
            l.iter()
                .map(|(k, loc)| format!("{k}: {}", scalar(&loc["name"])))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let apis = m["apis"]
        .as_object()
        .map(|a| a.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    format!(
        "etag             {}\nmanifestVersion  {}\nlocales          {locales}\napis             {apis}\ncategory         {}\n(--output json prints the whole manifest)\n",
        scalar(&v["etag"]),
        scalar(&m["manifestVersion"]),
        scalar(&m["publishingInformation"]["category"]),
    )
}

/// A result that may end with a build status (`build`).
pub fn with_build(v: &Value) -> String {
    let mut head = v.clone();
    let build = head.as_object_mut().and_then(|m| m.remove("build"));
    let mut out = summary(&head);
    if let Some(b) = build {
        out.push_str(&status(&b));
    }
    out
}

/// A schema validation report.
pub fn validation(v: &Value) -> String {
    if v["valid"] == Value::Bool(true) {
        return "valid: the manifest satisfies the schema\n".to_owned();
    }
    let mut t = table(&["where", "problem"]);
    for violation in v["violations"].as_array().into_iter().flatten() {
        let at = violation["pointer"].as_str().unwrap_or_default();
        t.add_row([
            if at.is_empty() {
                "/".to_owned()
            } else {
                at.to_owned()
            },
            scalar(&violation["message"]),
        ]);
    }
    format!("{t}\n")
}

/// Pretty JSON, for documents (schemas) that are best read as they are.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

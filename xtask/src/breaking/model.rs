//! What the differ finds: one [`Change`] per difference, each classified.

use std::fmt::Write as _;

/// Whether a change can break a caller built against the base spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A client generated from, or written against, the base spec may fail.
    Breaking,
    /// Every client of the base spec keeps working.
    Compatible,
}

impl Class {
    fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
        }
    }
}

/// One difference between the base and the head spec.
#[derive(Debug, Clone)]
pub struct Change {
    /// What changed: `operation`, `parameter`, `request field`, `response field`, …
    pub kind: &'static str,
    /// Where, e.g. `GET /v1/skills param maxResults`.
    pub location: String,
    /// What happened, e.g. `optional -> required`.
    pub change: String,
    /// Breaking or compatible.
    pub class: Class,
}

/// The changes found so far, plus any problem that stopped a comparison
/// (an unresolvable `$ref`, say).
#[derive(Debug, Default)]
pub struct Report {
    /// Every change, in the order the walk met them.
    pub changes: Vec<Change>,
    /// Problems that make the report incomplete.
    pub errors: Vec<String>,
}

impl Report {
    /// Records a change of the given class.
    pub fn push(&mut self, class: Class, kind: &'static str, location: &str, change: String) {
        self.changes.push(Change {
            kind,
            location: location.to_owned(),
            change,
            class,
        });
    }

    /// Records a breaking change.
    pub fn breaking(&mut self, kind: &'static str, location: &str, change: impl Into<String>) {
        self.push(Class::Breaking, kind, location, change.into());
    }

    /// Records a compatible change.
    pub fn compatible(&mut self, kind: &'static str, location: &str, change: impl Into<String>) {
        self.push(Class::Compatible, kind, location, change.into());
    }

    /// How many changes are breaking.
    pub fn breaking_count(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.class == Class::Breaking)
            .count()
    }

    /// The changes as a Markdown table (pads columns so it reads in a terminal
    /// too, and pastes into a pull-request description as is).
    pub fn table(&self) -> String {
        let header = ["kind", "location", "change", "class", "rust"];
        let rows: Vec<[String; 5]> = self
            .changes
            .iter()
            .map(|c| {
                [
                    c.kind.to_owned(),
                    escape(&c.location),
                    escape(&c.change),
                    c.class.label().to_owned(),
                    super::rust::impact(c).to_owned(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            out.push('|');
            for (cell, w) in cells.iter().zip(widths) {
                let pad = w.saturating_sub(cell.chars().count());
                let _ = write!(out, " {cell}{} |", " ".repeat(pad));
            }
            out.push('\n');
        };
        line(&mut out, &header.map(str::to_owned));
        line(&mut out, &widths.map(|w| "-".repeat(w)));
        for row in &rows {
            line(&mut out, row);
        }
        out
    }
}

/// Keeps a cell on one table row: pipes escaped, line breaks flattened.
fn escape(cell: &str) -> String {
    cell.replace('|', "\\|").replace(['\n', '\r'], " ")
}

//! `cargo xtask drift --pages DIR`: what changed on Amazon's pages since the spec last
//! recorded them.
//!
//! The spec never holds Amazon's text. Each operation's `x-source` names the page
//! (`page`: its title, `url`: its address, `document`: the saved file), the `section`
//! heading it transcribes, and a `digest` of that section's text: SHA-256 over the text with
//! every run of whitespace made one space, so reflowed lines or changed indentation do not
//! count, and any change of wording does.
//!
//! For every page and section the report says:
//! - whether the section's text changed since the spec recorded it, and which operations the
//!   section feeds;
//! - every parameter, body property, enum value, header and status code the page's tables
//!   list that the spec lacks, and every one the spec has that the page no longer lists;
//!   a difference the spec already explains in a "Resolved:" note that names it is shown
//!   beside the others but does not count as drift;
//! - sections the spec names that the page no longer has (renamed or removed), and sections
//!   of the page no operation transcribes (a new operation?).
//!
//! Exit 0 without drift, 1 with drift, 2 when the pages or the spec cannot be read.
//! `--record` writes the current digests into the spec (after the spec has caught up).

mod facts;
mod page;
mod spec;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::paths;

/// Command line of `cargo xtask drift`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Folder with the saved Amazon pages (default ../shared/api-docs)
    #[arg(long, value_name = "DIR")]
    pub pages: Option<PathBuf>,
    /// The spec to compare (default openapi/smapi.yaml)
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// Write the pages' current section digests into the spec's x-source (do this once the
    /// spec transcribes the changed sections); the other differences are still reported
    #[arg(long)]
    pub record: bool,
}

impl Args {
    /// The real spec against the pages beside the repository, as CI runs it.
    pub fn beside_the_repository() -> Self {
        Args::default()
    }
}

/// Entry point for `cargo xtask drift`.
pub fn run(args: Args) -> ExitCode {
    let root = paths::root();
    let pages = args
        .pages
        .clone()
        .unwrap_or_else(|| root.join(paths::PAGES_BESIDE));
    let spec = args.spec.clone().unwrap_or_else(|| root.join(paths::SPEC));
    if !pages.is_dir() {
        eprintln!(
            "xtask drift: no saved pages at {} (save Amazon's four pages as text into a folder \
             and pass --pages DIR)",
            pages.display()
        );
        return ExitCode::from(2);
    }
    let text = match std::fs::read_to_string(&spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("xtask drift: cannot read {}: {e}", spec.display());
            return ExitCode::from(2);
        }
    };
    let report = match compare(&text, &pages) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xtask drift: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report.text);
    if args.record {
        match record(&text, &report.digests) {
            Ok(updated) if updated != text => {
                if let Err(e) = std::fs::write(&spec, updated) {
                    eprintln!("xtask drift: cannot write {}: {e}", spec.display());
                    return ExitCode::from(2);
                }
                println!("recorded the current section digests in {}", spec.display());
                return ExitCode::SUCCESS;
            }
            Ok(_) => println!("the recorded digests are current"),
            Err(e) => {
                eprintln!("xtask drift: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if report.drift == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The comparison: the printed report, how many findings count as drift, and each
/// (document, section)'s current digest.
pub struct Report {
    /// The report as printed.
    pub text: String,
    /// Findings that count as drift.
    pub drift: usize,
    /// Current digest per (document, section) found on the pages.
    pub digests: BTreeMap<(String, String), String>,
}

/// One operation as its `x-source` names it.
struct Source<'a> {
    operation_id: String,
    page: Option<String>,
    document: String,
    section: String,
    digest: Option<String>,
    op: &'a Value,
    path_item: &'a Value,
}

fn sources(doc: &Value) -> Vec<Source<'_>> {
    let mut out = Vec::new();
    for (_, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            let Some(op) = item.get(method) else { continue };
            let Some(src) = op.get("x-source") else {
                continue;
            };
            let s = |k: &str| src.get(k).and_then(Value::as_str).map(str::to_owned);
            let (Some(document), Some(section)) = (s("document"), s("section")) else {
                continue;
            };
            out.push(Source {
                operation_id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("(no operationId)")
                    .to_owned(),
                page: s("page"),
                document,
                section,
                digest: s("digest"),
                op,
                path_item: item,
            });
        }
    }
    out
}

/// Compares the spec text with the pages in `dir`.
pub fn compare(spec_text: &str, dir: &Path) -> Result<Report, String> {
    let doc: Value = serde_norway::from_str(spec_text)
        .map_err(|e| format!("the spec is not valid YAML: {e}"))?;
    let sources = sources(&doc);
    let mut by_document: BTreeMap<&str, Vec<&Source>> = BTreeMap::new();
    for s in &sources {
        by_document.entry(s.document.as_str()).or_default().push(s);
    }
    let mut out = String::new();
    let mut drift = 0;
    let mut sections_seen = 0;
    let mut resolved_count = 0;
    let mut digests = BTreeMap::new();
    for (document, ops) in &by_document {
        let title = ops
            .iter()
            .find_map(|s| s.page.clone())
            .unwrap_or_else(|| (*document).to_owned());
        let mut lines: Vec<String> = Vec::new();
        let path = dir.join(document);
        let Ok(text) = std::fs::read_to_string(&path) else {
            out.push_str(&format!("== {title} ({document})\n"));
            out.push_str("   page missing: no such file among the saved pages\n");
            drift += 1;
            continue;
        };
        let page = page::Page::parse(&text);
        if let Some(t) = ops.iter().find_map(|s| s.page.as_deref())
            && !page.has_line(t)
        {
            lines.push(format!("   page title `{t}` no longer appears on the page"));
            drift += 1;
        }
        // Sections in page order, then the ones the page lacks.
        let mut by_section: BTreeMap<&str, Vec<&Source>> = BTreeMap::new();
        for s in ops {
            by_section.entry(s.section.as_str()).or_default().push(s);
        }
        let unclaimed: Vec<&str> = page
            .sections
            .iter()
            .map(|s| s.heading.as_str())
            .filter(|h| !by_section.contains_key(h))
            .collect();
        let mut ordered: Vec<&str> = page
            .sections
            .iter()
            .map(|s| s.heading.as_str())
            .filter(|h| by_section.contains_key(h))
            .collect();
        ordered.extend(
            by_section
                .keys()
                .copied()
                .filter(|k| page.section(k).is_none()),
        );
        for heading in ordered {
            sections_seen += 1;
            let feeds: Vec<&Source> = by_section[heading].clone();
            let ids: Vec<&str> = feeds.iter().map(|s| s.operation_id.as_str()).collect();
            let mut findings: Vec<String> = Vec::new();
            let mut beside: Vec<String> = Vec::new();
            let mut notes: Vec<String> = Vec::new();
            let mut no_names = false;
            match page.section(heading) {
                None => {
                    let mut line = "section not found on the page (renamed or removed)".to_owned();
                    if !unclaimed.is_empty() {
                        line.push_str(&format!(
                            "; sections no operation names: {}",
                            unclaimed
                                .iter()
                                .map(|u| format!("`{u}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    findings.push(line);
                }
                Some(section) => {
                    let now = section.digest();
                    digests.insert(((*document).to_owned(), heading.to_owned()), now.clone());
                    for s in &feeds {
                        match &s.digest {
                            None => findings.push(format!(
                                "no digest recorded in x-source of {} (now {now}; \
                                 `cargo xtask drift --record` writes it)",
                                s.operation_id
                            )),
                            Some(d) if *d != now => findings.push(format!(
                                "text changed since the spec recorded it (recorded {d}, now {now})"
                            )),
                            Some(_) => {}
                        }
                    }
                    for s in &feeds {
                        let spec_facts = spec::facts(&doc, s.path_item, s.op);
                        let known = spec::known_names(&spec_facts);
                        let page_facts = facts::from_section(section, &page, &known);
                        let resolved = spec::resolved_notes(&doc, s.path_item, s.op);
                        no_names |= page_facts.no_names;
                        for diff in facts::differences(&page_facts, &spec_facts) {
                            if resolved.iter().any(|note| diff.explained_by(note)) {
                                beside.push(diff.text);
                                resolved_count += 1;
                            } else {
                                findings.push(diff.text);
                            }
                        }
                    }
                    if no_names {
                        notes.push(
                            "the page's tables carry no names (they were lost when the page \
                             was saved), so only text changes are detected here"
                                .to_owned(),
                        );
                    }
                }
            }
            findings.dedup();
            if findings.is_empty() {
                continue;
            }
            drift += findings.len();
            lines.push(format!("-- {heading}  [feeds {}]", ids.join(", ")));
            for f in findings {
                lines.push(format!("   {f}"));
            }
            for b in beside {
                lines.push(format!("   resolved in the spec: {b}"));
            }
            for n in notes {
                lines.push(format!("   note: {n}"));
            }
        }
        for u in &unclaimed {
            lines.push(format!(
                "-- {u}  [feeds no operation]\n   a section of the page that no x-source names \
                 (a new operation? add it to openapi/coverage.yaml and the spec)"
            ));
            drift += 1;
        }
        if !lines.is_empty() {
            out.push_str(&format!("== {title} ({document})\n"));
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    if drift == 0 {
        out.push_str(&format!(
            "no drift: {sections_seen} section(s) of {} page(s) match the spec \
             ({resolved_count} difference(s) explained by Resolved: notes)\n",
            by_document.len()
        ));
    } else {
        out.push_str(&format!(
            "drift: {drift} finding(s); update openapi/smapi.yaml (README: \"When Amazon's docs \
             change\"), then `cargo xtask drift --record`\n"
        ));
    }
    Ok(Report {
        text: out,
        drift,
        digests,
    })
}

/// The spec text with every x-source `digest:` set to the current one; x-source blocks
/// without a digest line get one after their `section:` line. Only those lines change.
pub fn record(text: &str, digests: &BTreeMap<(String, String), String>) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push(line.to_owned());
        i += 1;
        if line.trim() == "x-source:" {
            let indent = line.len() - line.trim_start().len();
            let mut block: Vec<String> = Vec::new();
            while i < lines.len() {
                let l = lines[i];
                let ind = l.len() - l.trim_start().len();
                if l.trim().is_empty() || ind <= indent {
                    break;
                }
                block.push(l.to_owned());
                i += 1;
            }
            let field = |k: &str| {
                block.iter().find_map(|l| {
                    l.trim()
                        .strip_prefix(&format!("{k}:"))
                        .map(|v| v.trim().trim_matches('\'').trim_matches('"').to_owned())
                })
            };
            if let (Some(document), Some(section)) = (field("document"), field("section"))
                && let Some(d) = digests.get(&(document, section))
            {
                let child = block
                    .first()
                    .map(|l| l.len() - l.trim_start().len())
                    .unwrap_or(indent + 2);
                let pad = " ".repeat(child);
                if let Some(pos) = block.iter().position(|l| l.trim().starts_with("digest:")) {
                    block[pos] = format!("{pad}digest: {d}\n");
                } else if let Some(pos) =
                    block.iter().position(|l| l.trim().starts_with("section:"))
                {
                    block.insert(pos + 1, format!("{pad}digest: {d}\n"));
                }
            }
            out.extend(block);
        }
    }
    Ok(out.concat())
}

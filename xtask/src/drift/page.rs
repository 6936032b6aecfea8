//! A saved page, cut into the sections the spec transcribes.
//!
//! A section starts at its heading: the line above the section's `Request` line that reads
//! as a title (short, no full stop, no table bar; on pages saved with blank lines between
//! blocks, a paragraph of its own), found by walking back over the section's description. It runs to the next section's heading, or for the last one to
//! the page's trailer (`Object definitions`, `Related topics`, `Last updated`).

use sha2::{Digest, Sha256};

/// One operation's section of a page.
pub struct Section {
    /// The heading line, trimmed.
    pub heading: String,
    /// The lines from the heading (included) to the next section.
    pub lines: Vec<String>,
}

impl Section {
    /// The digest of the section's text, whitespace-normalised.
    pub fn digest(&self) -> String {
        digest(&self.lines.join("\n"))
    }
}

/// `sha256:` and the first 16 hex digits of SHA-256 over `text` with every run of
/// whitespace replaced by one space and the ends trimmed.
pub fn digest(text: &str) -> String {
    let normal = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let hash = Sha256::digest(normal.as_bytes());
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A saved page.
pub struct Page {
    /// Every line, as saved.
    pub lines: Vec<String>,
    /// The operation sections, in page order.
    pub sections: Vec<Section>,
}

const TRAILERS: [&str; 2] = ["Object definitions", "Related topics"];

fn is_heading(line: &str) -> bool {
    let t = line.trim();
    let first_upper = t.chars().next().is_some_and(|c| c.is_uppercase());
    first_upper
        && t.len() <= 80
        && !t.contains('|')
        && !t.ends_with('.')
        && !t.ends_with(':')
        && !matches!(t, "Request" | "Response")
        && !t.starts_with("HTTP")
}

impl Page {
    /// Cuts `text` into sections.
    pub fn parse(text: &str) -> Page {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        // Pages saved with blank lines between blocks have headings as paragraphs of their
        // own; a line inside a re-wrapped paragraph is never a heading there.
        let blank = lines.iter().filter(|l| l.trim().is_empty()).count();
        let paragraphed = blank * 10 >= lines.len();
        let alone = |j: usize| {
            let blank_at = |k: Option<usize>| {
                k.and_then(|k| lines.get(k))
                    .is_none_or(|l: &String| l.trim().is_empty())
            };
            blank_at(j.checked_sub(1)) && blank_at(Some(j + 1))
        };
        let mut starts: Vec<usize> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "Request" {
                continue;
            }
            let heading = (0..i)
                .rev()
                .take(40)
                .filter(|&j| !lines[j].trim().is_empty())
                .find(|&j| is_heading(&lines[j]) && (!paragraphed || alone(j)));
            if let Some(h) = heading
                && starts.last().is_none_or(|&last| h > last)
            {
                starts.push(h);
            }
        }
        let end_of_page = lines
            .iter()
            .enumerate()
            .skip(starts.last().copied().unwrap_or(0))
            .find(|(_, l)| {
                let t = l.trim();
                TRAILERS.contains(&t) || t.starts_with("Last updated")
            })
            .map_or(lines.len(), |(i, _)| i);
        let mut sections = Vec::new();
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(end_of_page);
            sections.push(Section {
                heading: lines[start].trim().to_owned(),
                lines: lines[start..end].to_vec(),
            });
        }
        Page { lines, sections }
    }

    /// The section with this heading.
    pub fn section(&self, heading: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.heading == heading)
    }

    /// Whether some line of the page reads exactly `text` (trimmed).
    pub fn has_line(&self, text: &str) -> bool {
        self.lines.iter().any(|l| l.trim() == text)
    }
}

//! The one redactor: every text that can carry server or user input passes through here
//! before it reaches an [`Error`](crate::Error) or a log line.
//!
//! It knows every form a secret takes on the way:
//! - the secrets it was given (access token, refresh token, client secret), raw, URL-encoded
//!   (`%7C` and `+` forms, upper and lower case hex) and JSON-escaped (`\/`, `\uXXXX`);
//! - any `Bearer …` credential and any Login with Amazon token (`Atza|…`, `Atzr|…`, also with
//!   the `|` encoded), known or not;
//! - the signature, credential and session token of a presigned URL (`X-Amz-Signature=…`,
//!   `X-Amz-Credential=…`, `X-Amz-Security-Token=…`, `Signature=…`).
//!
//! Each is replaced by `<redacted>`, which contains nothing JSON or a URL would escape, so a
//! redacted JSON document stays valid JSON.

use std::borrow::Cow;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// Query parameters of presigned URLs whose values are credentials (compared ignoring case).
const SIGNED_PARAMS: &[&str] = &[
    "x-amz-signature=",
    "x-amz-credential=",
    "x-amz-security-token=",
    "signature=",
];

/// Prefixes of Login with Amazon tokens (access `Atza|`, refresh `Atzr|`), raw or with the `|`
/// URL-encoded or JSON-escaped.
const TOKEN_PREFIXES: &[&str] = &[
    "atza|",
    "atzr|",
    "atza%7c",
    "atzr%7c",
    "atza\\u007c",
    "atzr\\u007c",
];

/// Replaces every known secret, in every form, and every credential-shaped text.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    needles: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} forms)", self.needles.len())
    }
}

impl Redactor {
    /// A redactor for `secrets` (empty ones are ignored) plus the generic rules.
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut needles = Vec::new();
        for secret in secrets {
            if secret.is_empty() {
                continue;
            }
            for form in forms(secret) {
                if !needles.contains(&form) {
                    needles.push(form);
                }
            }
        }
        // Longest first, so a form that contains another is replaced whole.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Redactor { needles }
    }

    /// `text` with every secret replaced by `<redacted>`.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = Cow::Owned(out.replace(needle.as_str(), REDACTED));
            }
        }
        match generic(&out) {
            Cow::Borrowed(_) => out,
            Cow::Owned(s) => Cow::Owned(s),
        }
    }
}

/// The generic rules only (no known secret): bearer credentials, LWA tokens, presigned
/// signatures.
pub(crate) fn generic(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut mark = |start: usize| {
        let end = value_end(text, start);
        if end > start {
            spans.push((start, end));
        }
    };
    for prefix in TOKEN_PREFIXES {
        for (at, _) in lower.match_indices(prefix) {
            mark(at);
        }
    }
    for (at, m) in lower.match_indices("bearer") {
        // `Bearer <token>`, `Bearer%20<token>`, `Bearer+<token>`.
        let rest = &text[at + m.len()..];
        let sep = if rest.starts_with("%20") {
            3
        } else if rest.starts_with([' ', '+', '\t']) {
            rest.bytes()
                .take_while(|b| matches!(b, b' ' | b'+' | b'\t'))
                .count()
        } else {
            continue;
        };
        mark(at + m.len() + sep);
    }
    for param in SIGNED_PARAMS {
        for (at, m) in lower.match_indices(param) {
            mark(at + m.len());
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (start, end) in spans {
        if end <= pos {
            continue;
        }
        let start = start.max(pos);
        out.push_str(&text[pos..start]);
        out.push_str(REDACTED);
        pos = end;
    }
    out.push_str(&text[pos..]);
    Cow::Owned(out)
}

/// Applies `redact` to every string (keys included) of a JSON value, in place; true when
/// anything changed.
pub(crate) fn json_strings(
    value: &mut serde_json::Value,
    redact: &impl Fn(&str) -> Option<String>,
) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => match redact(s) {
            Some(r) => {
                *s = r;
                true
            }
            None => false,
        },
        Value::Array(items) => {
            // Every item, no short-circuit.
            let mut changed = false;
            for item in items {
                changed |= json_strings(item, redact);
            }
            changed
        }
        Value::Object(map) => {
            let mut changed = false;
            let old = std::mem::take(map);
            for (k, mut v) in old {
                changed |= json_strings(&mut v, redact);
                let k = match redact(&k) {
                    Some(r) => {
                        changed = true;
                        r
                    }
                    None => k,
                };
                map.insert(k, v);
            }
            changed
        }
        _ => false,
    }
}

/// Where a credential value that starts at `start` ends: at whitespace, a quote, or a
/// delimiter of JSON, headers or query strings.
fn value_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let len = rest
        .find(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '&' | ',' | ';' | '<' | '>' | '}' | ']' | ')'
                )
        })
        .unwrap_or(rest.len());
    // A JSON escape (`\"`) ends the value too.
    let value = &rest[..len];
    let len = match value.find("\\\"") {
        Some(i) => i,
        None => len,
    };
    start + len
}

/// Every form of `secret` that can appear in text we did not write.
fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned()];
    // URL-encoded, as a form body or a query would carry it.
    let form_encoded: String = url_encode(secret, true, false);
    let percent_spaces: String = url_encode(secret, false, false);
    let lower_hex: String = url_encode(secret, true, true);
    // JSON-escaped, as a server would quote it in a message.
    let json = serde_json::to_string(secret)
        .map(|s| s[1..s.len() - 1].to_owned())
        .unwrap_or_default();
    let json_slash = json.replace('/', "\\/");
    let json_ascii: String = secret
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                let mut buf = [0u16; 2];
                c.encode_utf16(&mut buf)
                    .iter()
                    .map(|u| format!("\\u{u:04x}"))
                    .collect()
            }
        })
        .collect();
    forms.extend([
        form_encoded,
        percent_spaces,
        lower_hex,
        json,
        json_slash,
        json_ascii.clone(),
        json_ascii.to_ascii_uppercase().replace("\\U", "\\u"),
    ]);
    forms.retain(|f| !f.is_empty());
    forms
}

fn url_encode(secret: &str, plus_for_space: bool, lower: bool) -> String {
    let mut out = String::with_capacity(secret.len() * 3);
    for b in secret.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b' ' if plus_for_space => out.push('+'),
            _ if lower => out.push_str(&format!("%{b:02x}")),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t/with+odd chars|é\"q";

    #[test]
    fn every_form_of_a_known_secret_is_replaced() {
        let r = Redactor::new([SECRET]);
        for form in forms(SECRET) {
            let text = format!("before {form} after");
            let out = r.redact(&text);
            assert!(!out.contains(&form), "{form} survived: {out}");
            assert!(out.contains(REDACTED));
        }
    }

    #[test]
    fn bearer_tokens_and_signatures_are_replaced_without_knowing_them() {
        for (text, gone) in [
            ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
            ("{\"message\":\"bad token Atza|IwEBIx9\"}", "IwEBIx9"),
            ("refresh_token=Atzr%7CIwEBIy8&x=1", "IwEBIy8"),
            (
                "https://s3/x.json?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef",
                "deadbeef",
            ),
            ("https://s3/x.json?X-Amz-Credential=AKIA%2F1&a=b", "AKIA"),
            ("Bearer%20tok123 rest", "tok123"),
        ] {
            let out = generic(text);
            assert!(!out.contains(gone), "{gone} survived in {out}");
        }
        let json = "{\"message\":\"Bearer abc\",\"code\":\"X\"}";
        let out = generic(json);
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{out}"
        );
        assert_eq!(generic("nothing to see"), "nothing to see");
    }
}

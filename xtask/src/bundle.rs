//! `cargo xtask bundle [--out DIR] [--spec PATH]`: the files another language team takes.
//!
//! Writes into `DIR` (default **`target/spec-bundle/`**, relative to the
//! workspace root), with `<version>` read from the spec's `info.version`:
//!
//! | file | what it is |
//! |---|---|
//! | `smapi-<version>.yaml` | `openapi/smapi.yaml`, byte for byte (comments kept) |
//! | `smapi-<version>.json` | the same document as JSON, key order kept |
//! | `smapi-<version>.html` | a self-contained reference page (Redocly `build-docs --inlineBundle`): scripts and the spec are inlined, so it opens with no network; each operation names the Amazon page (title and address) and section it transcribes |
//! | `SHA256SUMS` | checksums of the three files, in `sha256sum -c` format |
//!
//! Earlier `smapi-*.{yaml,json,html}` files in `DIR` are removed first, so
//! the folder holds one version and `SHA256SUMS` covers all of it.
//!
//! The HTML page needs the pinned Redocly CLI under
//! `tools/spec-tools/node_modules/`; when it is missing, `bundle` installs it
//! first (`bash tools/spec-checks.sh --install-node`: `npm ci` from the lock
//! file), so it needs only Node.js >= 20.19 with npm on the machine.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sha2::{Digest, Sha256};

use crate::paths;

/// Where the bundle goes unless `--out` says otherwise.
pub const DEFAULT_OUT: &str = "target/spec-bundle";
/// The pinned Redocly CLI, as installed by `tools/spec-checks.sh`.
const REDOCLY: &str = "tools/spec-tools/node_modules/.bin/redocly";
/// Redocly's lint settings (also read by `build-docs`).
const REDOCLY_CONFIG: &str = ".redocly.yaml";

/// Command line of `cargo xtask bundle`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Folder to write into (default target/spec-bundle)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The spec to bundle (default openapi/smapi.yaml)
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
}

/// Entry point for `cargo xtask bundle`.
pub fn run(args: Args) -> ExitCode {
    let root = paths::root();
    let out = args.out.unwrap_or_else(|| root.join(DEFAULT_OUT));
    let spec = args.spec.unwrap_or_else(|| root.join(paths::SPEC));
    match bundle(&root, &spec, &out) {
        Ok(files) => {
            println!("spec bundle written to {}:", out.display());
            for f in files {
                println!("  {f}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask bundle: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bundle(root: &Path, spec: &Path, out: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let parsed: openapiv3::OpenAPI = serde_norway::from_str(&text).map_err(|e| {
        format!(
            "{} is not a valid OpenAPI 3.0 document: {e}",
            spec.display()
        )
    })?;
    let version = parsed.info.version.trim();
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
    {
        return Err(format!(
            "info.version `{version}` cannot name a file (expected semver like 1.2.3)"
        ));
    }
    let json = to_json(&text, &parsed)?;
    let redocly = root.join(REDOCLY);
    if !redocly.exists() {
        install_node_tools(root, &redocly)?;
    }

    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    remove_previous(out)?;

    let yaml_name = format!("smapi-{version}.yaml");
    let json_name = format!("smapi-{version}.json");
    let html_name = format!("smapi-{version}.html");
    write(&out.join(&yaml_name), text.as_bytes())?;
    write(&out.join(&json_name), json.as_bytes())?;
    let for_html = root.join("target/spec-bundle-work/smapi-for-html.json");
    write_html_source(&json, &for_html)?;
    build_docs(
        root,
        &redocly,
        &for_html,
        &out.join(&html_name),
        &parsed.info.title,
    )?;
    check_offline(&out.join(&html_name), &parsed.info.title)?;

    let mut sums = String::new();
    for name in [&html_name, &json_name, &yaml_name] {
        let bytes =
            std::fs::read(out.join(name)).map_err(|e| format!("cannot read back {name}: {e}"))?;
        let digest = Sha256::digest(&bytes);
        let hex = digest.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
        let _ = writeln!(sums, "{hex}  {name}");
    }
    write(&out.join("SHA256SUMS"), sums.as_bytes())?;
    Ok(vec![
        yaml_name,
        json_name,
        html_name,
        "SHA256SUMS".to_owned(),
    ])
}

/// The YAML document as pretty JSON, in the YAML's key order. Checked by
/// parsing the JSON back: it must be the same OpenAPI document.
fn to_json(text: &str, parsed: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut value: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| format!("cannot read the spec as YAML: {e}"))?;
    value
        .apply_merge()
        .map_err(|e| format!("cannot apply YAML merge keys: {e}"))?;
    let mut json = serde_json::to_string_pretty(&value)
        .map_err(|e| format!("the spec has no JSON form (non-string key?): {e}"))?;
    json.push('\n');
    let back: openapiv3::OpenAPI = serde_json::from_str(&json)
        .map_err(|e| format!("the JSON form does not parse back: {e}"))?;
    if &back != parsed {
        return Err("the JSON form differs from the YAML document after a round trip".to_owned());
    }
    Ok(json)
}

/// Installs the pinned Node tools (`npm ci` in `tools/spec-tools/`, through
/// `tools/spec-checks.sh --install-node`), so `bundle` works on a fresh machine with Node.js
/// and npm and nothing else done first.
fn install_node_tools(root: &Path, redocly: &Path) -> Result<(), String> {
    eprintln!(
        "xtask bundle: the pinned Redocly CLI is not installed yet; installing the spec tools \
         (bash tools/spec-checks.sh --install-node)"
    );
    let status = Command::new("bash")
        .arg(root.join("tools/spec-checks.sh"))
        .arg("--install-node")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run bash tools/spec-checks.sh --install-node: {e}"))?;
    if !status.success() || !redocly.exists() {
        return Err(format!(
            "installing the pinned Redocly CLI failed ({status}); {} is still missing.\n\
             It needs Node.js >= 20.19 with npm; versions come from \
             tools/spec-tools/package-lock.json. Retry with: bash tools/spec-checks.sh --install-node",
            redocly.display()
        ));
    }
    Ok(())
}

/// The document the HTML page is rendered from: the spec with one line added to each
/// operation's description naming Amazon's page (title, linked to its address) and the
/// section it transcribes, from `x-source`, which Redoc does not show by itself.
fn write_html_source(json: &str, path: &Path) -> Result<(), String> {
    let mut doc: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("cannot re-read the JSON form: {e}"))?;
    if let Some(paths) = doc
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                let Some(source) = op.get("x-source").cloned() else {
                    continue;
                };
                let field = |k: &str| {
                    source
                        .get(k)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let line = format!(
                    "**Source:** [{}]({}), section \"{}\".",
                    field("page"),
                    field("url"),
                    field("section")
                );
                let description = op
                    .get("description")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .trim_end()
                    .to_owned();
                op["description"] = serde_json::Value::String(format!("{description}\n\n{line}\n"));
            }
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let text = serde_json::to_string(&doc).map_err(|e| format!("cannot write JSON: {e}"))?;
    write(path, text.as_bytes())
}

fn remove_previous(out: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(out).map_err(|e| format!("cannot list {}: {e}", out.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == "SHA256SUMS"
            || (name.starts_with("smapi-")
                && [".yaml", ".json", ".html"]
                    .iter()
                    .any(|x| name.ends_with(x)));
        if ours {
            std::fs::remove_file(entry.path())
                .map_err(|e| format!("cannot remove old {name}: {e}"))?;
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn build_docs(
    root: &Path,
    redocly: &Path,
    spec: &Path,
    html: &Path,
    title: &str,
) -> Result<(), String> {
    let output = Command::new(redocly)
        .arg("build-docs")
        .arg(spec)
        .arg("--output")
        .arg(html)
        .arg("--inlineBundle")
        .arg("--title")
        .arg(title)
        .arg("--config")
        .arg(root.join(REDOCLY_CONFIG))
        .current_dir(root)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| {
            format!(
                "cannot run {} ({e}); is Node.js installed? \
                 Install the spec tools with: bash tools/spec-checks.sh --install-only",
                redocly.display()
            )
        })?;
    if !output.status.success() || !html.exists() {
        return Err(format!(
            "redocly build-docs failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// The page must carry everything it needs: no script, stylesheet, font or
/// image fetched from elsewhere. Links a reader may click are fine.
fn check_offline(html: &Path, title: &str) -> Result<(), String> {
    let page = std::fs::read_to_string(html)
        .map_err(|e| format!("cannot read back {}: {e}", html.display()))?;
    let lower = page.to_ascii_lowercase();
    let mut problems = Vec::new();
    for tag in ["<script", "<link", "<img", "<iframe"] {
        for (start, _) in lower.match_indices(tag) {
            let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
            let element = &lower[start..end];
            let remote = [
                "src=\"http",
                "src='http",
                "src=\"//",
                "href=\"http",
                "href='http",
                "href=\"//",
            ]
            .iter()
            .any(|p| element.contains(p));
            // An <a>-like <link rel=...> to a remote stylesheet or font is a fetch;
            // only a canonical/alternate link would be harmless, and Redoc emits none.
            if remote {
                problems.push(page[start..end.min(start + 160)].to_owned());
            }
        }
    }
    for pattern in ["@import url(http", "@import \"http", "url(http"] {
        if lower.contains(pattern) {
            problems.push(format!("CSS fetches a remote resource (`{pattern}`)"));
        }
    }
    if !problems.is_empty() {
        return Err(format!(
            "{} would need the network to open:\n  {}",
            html.display(),
            problems.join("\n  ")
        ));
    }
    if !page.contains(&html_escape(title)) && !page.contains(title) {
        return Err(format!(
            "{} does not contain the spec's title `{title}`",
            html.display()
        ));
    }
    Ok(())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

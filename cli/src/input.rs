//! Files the commands read: manifests, JSON patches, saved schemas. All of it is checked here,
//! before any request is sent; a problem is a [`CliError::Input`] naming the option, the
//! place in the document and the rule.

use std::io::Read;

use alexa_smapi::types::SkillManifest;
use serde_json::Value;

use crate::error::CliError;

/// A manifest read from a file, and the ETag the file carries (as `get-skill-manifest`
/// writes it), if any.
#[derive(Debug)]
pub struct ManifestFile {
    /// The manifest.
    pub manifest: SkillManifest,
    /// The file's `etag` field.
    pub etag: Option<String>,
}

/// Reads `source`: a path, `file:PATH` / `file://PATH` (the ASK CLI's spelling), or `-`
/// for stdin.
pub fn read_source(what: &str, source: &str) -> Result<String, CliError> {
    if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::input(what, format!("cannot read stdin: {e}")))?;
        return Ok(text);
    }
    let path = source
        .strip_prefix("file://")
        .or_else(|| source.strip_prefix("file:"))
        .unwrap_or(source);
    std::fs::read_to_string(path)
        .map_err(|e| CliError::input(what, format!("cannot read `{path}`: {e}")))
}

fn parse_json(what: &str, text: &str) -> Result<Value, CliError> {
    serde_json::from_str(text).map_err(|e| CliError::input(what, format!("not JSON: {e}")))
}

/// Reads a manifest: `{"manifest": {...}}` (skill.json, the shape `get-skill-manifest`
/// prints, optionally with its `etag`), or the manifest object itself.
pub fn manifest(what: &str, source: &str) -> Result<ManifestFile, CliError> {
    let text = read_source(what, source)?;
    let mut value = parse_json(what, &text)?;
    let Some(top) = value.as_object_mut() else {
        return Err(CliError::input(what, "must be a JSON object"));
    };
    if !top.get("manifest").is_some_and(Value::is_object) {
        return Ok(ManifestFile {
            manifest: manifest_from_value(value, what)?,
            etag: None,
        });
    }
    if let Some(unexpected) = top.keys().find(|k| *k != "manifest" && *k != "etag") {
        return Err(CliError::input(
            what,
            format!(
                "unexpected top-level field `{unexpected}`: a skill.json has only `manifest` (and `etag`, as get-skill-manifest writes it)"
            ),
        ));
    }
    let etag = match top.remove("etag") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(CliError::input(what, "`etag` must be a string")),
    };
    let inner = top.remove("manifest").unwrap_or(Value::Null);
    Ok(ManifestFile {
        manifest: manifest_from_value(inner, &format!("{what} (manifest)"))?,
        etag,
    })
}

/// Turns a JSON manifest (bare, or an envelope with only `manifest`) into the library's type;
/// an error names the path of the offending field.
pub fn manifest_from_value(value: Value, what: &str) -> Result<SkillManifest, CliError> {
    let value = match value {
        Value::Object(mut top)
            if top.len() == 1 && top.get("manifest").is_some_and(Value::is_object) =>
        {
            top.remove("manifest").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        CliError::input(what, format!("not a skill manifest{at}: {}", e.inner()))
    })
}

/// Reads a JSON Patch (RFC 6902).
pub fn patch(source: &str) -> Result<json_patch::Patch, CliError> {
    let text = read_source("--patch", source)?;
    let value = parse_json("--patch", &text)?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        CliError::input(
            "--patch",
            format!(
                "not a JSON Patch (RFC 6902) at `{}`: {}",
                e.path(),
                e.inner()
            ),
        )
    })
}

/// Reads a saved JSON Schema document.
pub fn schema(path: &std::path::Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::input(
            "--schema-file",
            format!("cannot read `{}`: {e}", path.display()),
        )
    })?;
    parse_json("--schema-file", &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_type_is_reported_with_its_path() {
        let value = serde_json::json!({"manifest": {"publishingInformation": {"locales": 7}}});
        let err = manifest_from_value(value, "--manifest")
            .unwrap_err()
            .to_string();
        assert!(err.contains("publishingInformation.locales"), "{err}");
    }
}

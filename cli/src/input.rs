//! Files the commands read: manifests, JSON patches, saved schemas. All of it is checked here,
//! before any request is sent; a problem is a [`CliError::Input`] naming the option, the
//! place in the document and the rule.

use std::io::Read;

use alexa_smapi::types::{
    HostedSkillRegion, HostedSkillRuntime, HostingConfiguration, SkillManifest, StatusResource,
};
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

/// `--hosting-runtime` / `--hosting-region` as the create's `hosting` (an Alexa-hosted
/// skill); `None` when neither is given. A value the spec does not list is refused here.
pub fn hosting(
    runtime: Option<&str>,
    region: Option<&str>,
) -> Result<Option<HostingConfiguration>, CliError> {
    if runtime.is_none() && region.is_none() {
        return Ok(None);
    }
    let mut hosted = serde_json::Map::new();
    if let Some(runtime) = runtime {
        let runtime: HostedSkillRuntime = one_of("--hosting-runtime", runtime, RUNTIMES)?;
        hosted.insert("runtime".into(), Value::from(runtime.to_string()));
    }
    if let Some(region) = region {
        let region: HostedSkillRegion = one_of("--hosting-region", region, REGIONS)?;
        hosted.insert("region".into(), Value::from(region.to_string()));
    }
    serde_json::from_value(serde_json::json!({ "alexaHosted": hosted }))
        .map(Some)
        .map_err(|e| CliError::input("--hosting-runtime", e.to_string()))
}

const RUNTIMES: &[&str] = &["NODE_10_X", "PYTHON_3_7", "NODE_12_X", "NODE_16_X"];
const REGIONS: &[&str] = &["US_EAST_1", "US_WEST_2", "EU_WEST_1"];
const STATUS_RESOURCES: &[&str] = &["manifest", "interactionModel"];

/// `--resource` values of `get-skill-status`.
pub fn status_resources(values: &[String]) -> Result<Vec<StatusResource>, CliError> {
    values
        .iter()
        .map(|v| one_of("--resource", v, STATUS_RESOURCES))
        .collect()
}

/// A value of a closed enum of the spec, or an input error listing the values it takes.
fn one_of<T: std::str::FromStr>(what: &str, value: &str, names: &[&str]) -> Result<T, CliError> {
    value.parse().map_err(|_| {
        CliError::input(
            what,
            format!("must be one of {}, got `{value}`", names.join(", ")),
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

//! Input rules shared by the handlers. Every failure names the field and the rule.

use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// `skillId` (path or query): 1–255 characters.
pub(crate) fn skill_id(value: &str, location: &str) -> Result<(), ApiError> {
    let len = value.chars().count();
    if (1..=255).contains(&len) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "INVALID_STRING_LENGTH",
            format!("skillId ({location}) must be 1 to 255 characters long, got {len}"),
        ))
    }
}

/// A stage path value: `development`, `certified` or `live`, case-sensitive.
pub(crate) fn stage(value: &str) -> Result<(), ApiError> {
    if matches!(value, "development" | "certified" | "live") {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!(
                "stage (path) must be one of development, certified, live (case-sensitive), got `{value}`"
            ),
        ))
    }
}

/// The optional `Accept-Language` header of the publishing operations: `en-US` or `ja-JP`.
pub(crate) fn accept_language(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get("accept-language") else {
        return Ok(());
    };
    match value.to_str() {
        Ok("en-US" | "ja-JP") => Ok(()),
        _ => Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!(
                "Accept-Language (header) must be en-US or ja-JP, got `{}`",
                String::from_utf8_lossy(value.as_bytes())
            ),
        )),
    }
}

/// Parses a JSON request body into an object; `what` names the body in messages.
pub(crate) fn json_object(body: &[u8], what: &str) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "MISSING_PARAMETER",
            format!("{what} (body) is required"),
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::bad_request(
            "INVALID_DATA_TYPE",
            format!(
                "{what} (body) must be a JSON object, got {}",
                type_name(&other)
            ),
        )),
        Err(e) => Err(ApiError::bad_request(
            "INVALID_JSON",
            format!("{what} (body) is not valid JSON: {e}"),
        )),
    }
}

/// A required, non-empty string property `key` of a body object; `field` is its dotted path
/// for messages.
pub(crate) fn required_string<'a>(
    body: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<&'a str, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Err(ApiError::missing(field, "body")),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::bad_request(
            "INVALID_STRING_LENGTH",
            format!("{field} (body) must not be empty"),
        )),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(ApiError::bad_request(
            "INVALID_DATA_TYPE",
            format!("{field} (body) must be a string, got {}", type_name(other)),
        )),
    }
}

/// A required object property `key` of a body object; `field` is its dotted path for messages.
pub(crate) fn required_object<'a>(
    body: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Err(ApiError::missing(field, "body")),
        Some(Value::Object(map)) => Ok(map),
        Some(other) => Err(ApiError::bad_request(
            "INVALID_DATA_TYPE",
            format!("{field} (body) must be an object, got {}", type_name(other)),
        )),
    }
}

pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What the simulated build finds wrong with a manifest (empty: the build succeeds).
///
/// Rules (the `CREATE_SKILL`/`UPDATE_SKILL` schema's additions, see [`crate::schema`]):
/// - `manifestVersion` is present and is a string;
/// - `publishingInformation.locales` is an object with at least one locale;
/// - every locale has a non-empty string `name`.
pub fn manifest_build_errors(manifest: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    match manifest.get("manifestVersion") {
        Some(Value::String(_)) => {}
        Some(_) => errors.push("manifestVersion must be a string such as \"1.0\"".to_owned()),
        None => errors.push("manifestVersion is required".to_owned()),
    }
    match manifest.pointer("/publishingInformation/locales") {
        Some(Value::Object(locales)) if !locales.is_empty() => {
            for (locale, info) in locales {
                match info.get("name") {
                    Some(Value::String(name)) if !name.trim().is_empty() => {}
                    _ => errors.push(format!(
                        "publishingInformation.locales.{locale}.name is required and must be a non-empty string"
                    )),
                }
            }
        }
        _ => errors.push(
            "publishingInformation.locales must be an object with at least one locale".to_owned(),
        ),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn build_rules() {
        let good = json!({"manifestVersion": "1.0", "publishingInformation": {"locales": {"en-US": {"name": "x"}}}});
        assert!(manifest_build_errors(&good).is_empty());
        let bad = json!({"publishingInformation": {"locales": {"en-US": {"summary": "x"}}}});
        let errors = manifest_build_errors(&bad);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[1].contains("locales.en-US.name"));
    }

    #[test]
    fn skill_id_length() {
        assert!(skill_id("a", "path").is_ok());
        assert!(skill_id(&"a".repeat(255), "path").is_ok());
        let err = skill_id(&"a".repeat(256), "path").unwrap_err();
        assert!(err.message.contains("skillId"));
        assert!(skill_id("", "query").is_err());
    }
}

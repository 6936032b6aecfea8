//! What a request may carry, per operation, derived from `openapi/smapi.yaml` at start-up.
//!
//! For every `operationId` the spec declares, the simulator knows the path template, each
//! path, query and header parameter with its schema and requiredness, and the request body's
//! schema. Before a handler runs, a request is checked against exactly that:
//!
//! - a query parameter the operation does not declare, or a repeated one that is not an array,
//!   is a 400 naming it;
//! - a header the spec declares for some operation and that changes what a request does
//!   (`If-Match`) sent to an operation that does not declare it is a 400 naming it; ordinary
//!   HTTP headers (`User-Agent`) and content negotiation (`Accept-Language`, which Node's
//!   `fetch` sends as `*` on every request) are not refused where undeclared, only checked
//!   where the spec declares them;
//! - a missing required parameter, or a value that breaks its schema (type, enum, length,
//!   range, item count), is a 400 naming the parameter and the rule;
//! - a body sent to an operation without a request body, a missing required body, a body
//!   that is not JSON, or one that breaks the body schema is a 400; every offending JSON path
//!   gets its own entry in `violations`. Open objects (`additionalProperties: {}`) keep
//!   accepting unknown fields, so unknown manifest fields are still stored as sent.
//!
//! The JSON Schema validators are compiled on first use, per parameter and body: compiling
//! them all took most of the simulator's start-up (850 ms of 900 in a debug build), which
//! every `smapi --sim` command pays. A schema the spec derives that is not valid JSON Schema
//! (only possible with a custom `spec_yaml`) answers that operation's requests with a 500
//! naming it; the embedded spec's are all compiled by a test.
//!
//! Nothing here restates the spec: change a parameter, an enum or a manifest property in
//! `openapi/smapi.yaml` and the simulator's checks change with it. Rules the spec cannot
//! express (the six-month publication window, `operation` required for `resource=manifest`,
//! mutually exclusive list parameters) stay in the handlers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use axum::http::{HeaderMap, Method, header};
use jsonschema::error::ValidationErrorKind;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, Violation};
use crate::schema::{SchemaError, to_json_schema};

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum In {
    Path,
    Query,
    Header,
}

impl In {
    fn parse(text: &str) -> Option<In> {
        match text {
            "path" => Some(In::Path),
            "query" => Some(In::Query),
            "header" => Some(In::Header),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
            In::Header => "header",
        }
    }
}

/// What a value is decoded as before its schema is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
}

impl Scalar {
    fn of(schema: &Value) -> Scalar {
        match schema.get("type").and_then(Value::as_str) {
            Some("integer") => Scalar::Integer,
            Some("number") => Scalar::Number,
            Some("boolean") => Scalar::Boolean,
            _ => Scalar::String,
        }
    }

    fn decode(self, text: &str) -> Option<Value> {
        match self {
            Scalar::String => Some(Value::String(text.to_owned())),
            Scalar::Integer => text.parse::<i64>().ok().map(Value::from),
            Scalar::Number => text.parse::<f64>().ok().map(Value::from),
            Scalar::Boolean => match text {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Scalar::String => "a string",
            Scalar::Integer => "an integer",
            Scalar::Number => "a number",
            Scalar::Boolean => "true or false",
        }
    }
}

struct ParamRule {
    name: String,
    location: In,
    required: bool,
    /// `Some(item decoding)` for array parameters (repeated `name=a&name=b`).
    array_of: Option<Scalar>,
    scalar: Scalar,
    validator: LazyValidator,
}

struct BodyRule {
    required: bool,
    validator: LazyValidator,
}

/// A JSON Schema and its validator, compiled the first time a request needs it.
struct LazyValidator {
    schema: Value,
    compiled: OnceLock<Result<jsonschema::Validator, String>>,
}

impl LazyValidator {
    fn new(schema: Value) -> Self {
        LazyValidator {
            schema,
            compiled: OnceLock::new(),
        }
    }

    fn get(&self) -> Result<&jsonschema::Validator, ApiError> {
        self.compiled
            .get_or_init(|| compile(&self.schema).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ApiError::internal(format!("simulator: {e}")))
    }
}

/// One segment of a path template.
enum Segment {
    Literal(String),
    Param(String),
}

struct OperationRules {
    method: Method,
    /// Path segments of the template.
    template: Vec<Segment>,
    params: Vec<ParamRule>,
    body: Option<BodyRule>,
}

/// Every operation's request rules, keyed by `operationId`.
pub(crate) struct RequestRules {
    operations: BTreeMap<String, OperationRules>,
    /// Lower-cased names of every header parameter the spec declares anywhere.
    api_headers: BTreeSet<String>,
}

/// The request parts the checks look at.
pub(crate) struct RequestParts<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

fn compile(schema: &Value) -> Result<jsonschema::Validator, SchemaError> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| SchemaError::Invalid(e.to_string()))
}

/// Splits a path into segments, ignoring one trailing slash.
fn segments(path: &str) -> Vec<&str> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    trimmed.split('/').collect()
}

impl RequestRules {
    /// Reads every operation of the parsed spec.
    pub(crate) fn from_parsed(spec: &Value) -> Result<Self, SchemaError> {
        let empty = Map::new();
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let resolve = |value: &Value| -> Result<Value, SchemaError> {
            // `$ref` to a component parameter, response or body: follow it within the spec.
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) if !reference.starts_with("#/components/schemas/") => {
                    let pointer = reference
                        .strip_prefix('#')
                        .ok_or_else(|| SchemaError::BadRef(reference.to_owned()))?;
                    spec.pointer(pointer)
                        .cloned()
                        .ok_or_else(|| SchemaError::BadRef(reference.to_owned()))
                }
                _ => Ok(value.clone()),
            }
        };
        let mut operations = BTreeMap::new();
        let mut api_headers = BTreeSet::new();
        let paths = spec
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            let shared: Vec<Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (method, op) in item {
                let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                    continue;
                };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let mut params: Vec<ParamRule> = Vec::new();
                let own = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for raw in shared.iter().chain(own.iter()) {
                    let param = resolve(raw)?;
                    let (Some(name), Some(location)) = (
                        param.get("name").and_then(Value::as_str),
                        param.get("in").and_then(Value::as_str).and_then(In::parse),
                    ) else {
                        continue;
                    };
                    let schema =
                        to_json_schema(param.get("schema").unwrap_or(&json!({})), schemas)?;
                    let array_of = (schema.get("type").and_then(Value::as_str) == Some("array"))
                        .then(|| Scalar::of(schema.get("items").unwrap_or(&Value::Null)));
                    // Content negotiation (`Accept-*`) may be sent by any HTTP client on any
                    // request (Node's fetch sends `Accept-Language: *`) and is harmless to
                    // ignore; a header that changes what a request does (`If-Match`) is not.
                    let lower = name.to_ascii_lowercase();
                    if location == In::Header && !lower.starts_with("accept") {
                        api_headers.insert(lower);
                    }
                    let rule = ParamRule {
                        name: name.to_owned(),
                        location,
                        required: location == In::Path
                            || param.get("required").and_then(Value::as_bool) == Some(true),
                        array_of,
                        scalar: Scalar::of(&schema),
                        validator: LazyValidator::new(schema.clone()),
                    };
                    // An operation-level parameter overrides a path-level one of the same name.
                    params.retain(|p| !(p.name == rule.name && p.location == rule.location));
                    params.push(rule);
                }
                let body = match op.get("requestBody") {
                    None => None,
                    Some(raw) => {
                        let body = resolve(raw)?;
                        let schema = body
                            .pointer("/content/application~1json/schema")
                            .cloned()
                            .unwrap_or_else(|| json!({}));
                        Some(BodyRule {
                            required: body.get("required").and_then(Value::as_bool) == Some(true),
                            validator: LazyValidator::new(to_json_schema(&schema, schemas)?),
                        })
                    }
                };
                let template = segments(path)
                    .into_iter()
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Segment::Param(name.to_owned()),
                            None => Segment::Literal(s.to_owned()),
                        },
                    )
                    .collect();
                operations.insert(
                    id.to_owned(),
                    OperationRules {
                        method,
                        template,
                        params,
                        body,
                    },
                );
            }
        }
        Ok(RequestRules {
            operations,
            api_headers,
        })
    }

    /// The methods the spec allows on `path` (for a 405's `Allow`), empty when no operation's
    /// template matches it.
    pub fn methods_for(&self, path: &str) -> Vec<Method> {
        let mut methods: Vec<Method> = self
            .operations
            .values()
            .filter(|op| template_matches(&op.template, path))
            .map(|op| op.method.clone())
            .collect();
        methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        methods.dedup();
        methods
    }

    /// Checks a request to `operation_id` against the spec. Operations the spec does not
    /// declare (the LWA token endpoint, presigned URLs) pass unchecked.
    pub fn check(&self, operation_id: &str, request: &RequestParts<'_>) -> Result<(), ApiError> {
        let Some(op) = self.operations.get(operation_id) else {
            return Ok(());
        };
        let path_values = path_parameters(&op.template, request.path)?;
        let query = query_pairs(request.query)?;

        for (name, _) in &query {
            if !op
                .params
                .iter()
                .any(|p| p.location == In::Query && &p.name == name)
            {
                return Err(ApiError::bad_request(
                    "UNEXPECTED_PARAMETER",
                    format!("{name} (query) is not a parameter of {operation_id}"),
                ));
            }
        }
        for name in request.headers.keys() {
            let lower = name.as_str();
            if self.api_headers.contains(lower)
                && !op
                    .params
                    .iter()
                    .any(|p| p.location == In::Header && p.name.eq_ignore_ascii_case(lower))
            {
                return Err(ApiError::bad_request(
                    "UNEXPECTED_PARAMETER",
                    format!(
                        "{} (header) is not a parameter of {operation_id}",
                        name.as_str()
                    ),
                ));
            }
        }

        for param in &op.params {
            let raw: Vec<String> = match param.location {
                In::Path => path_values.get(&param.name).cloned().into_iter().collect(),
                In::Query => query
                    .iter()
                    .filter(|(k, _)| k == &param.name)
                    .map(|(_, v)| v.clone())
                    .collect(),
                In::Header => {
                    let mut values = Vec::new();
                    for value in request.headers.get_all(param.name.as_str()) {
                        match value.to_str() {
                            Ok(text) => values.push(text.to_owned()),
                            Err(_) => {
                                return Err(ApiError::bad_request(
                                    "INVALID_PARAMETER_VALUE",
                                    format!(
                                        "{} (header) must be visible ASCII characters",
                                        param.name
                                    ),
                                ));
                            }
                        }
                    }
                    values
                }
            };
            let field = format!("{} ({})", param.name, param.location.name());
            if raw.is_empty() {
                if param.required {
                    return Err(ApiError::missing(&param.name, param.location.name()));
                }
                continue;
            }
            let value = match param.array_of {
                Some(item) => Value::Array(
                    raw.iter()
                        .map(|text| decode(item, text, &field))
                        .collect::<Result<_, _>>()?,
                ),
                None => {
                    if raw.len() > 1 {
                        return Err(ApiError::bad_request(
                            "INVALID_PARAMETER_VALUE",
                            format!("{field} must be sent once, got {} values", raw.len()),
                        ));
                    }
                    decode(param.scalar, &raw[0], &field)?
                }
            };
            let violations =
                violations(param.validator.get()?, &value, &param.name, param.location);
            if !violations.is_empty() {
                return Err(ApiError::with_violations(violations));
            }
        }

        let blank = request.body.iter().all(u8::is_ascii_whitespace);
        match &op.body {
            None if !blank => Err(ApiError::bad_request(
                "UNEXPECTED_BODY",
                format!("{operation_id} takes no request body"),
            )),
            None => Ok(()),
            Some(rule) if blank => {
                if rule.required {
                    Err(ApiError::missing("request", "body"))
                } else {
                    Ok(())
                }
            }
            Some(rule) => {
                if let Some(content_type) = request.headers.get(header::CONTENT_TYPE) {
                    let text = content_type.to_str().unwrap_or_default();
                    let essence = text.split(';').next().unwrap_or_default().trim();
                    let essence = essence.to_ascii_lowercase();
                    if essence != "application/json" && !essence.ends_with("+json") {
                        return Err(ApiError::bad_request(
                            "INVALID_CONTENT_TYPE",
                            format!(
                                "Content-Type (header) must be application/json for {operation_id}, got `{text}`"
                            ),
                        ));
                    }
                }
                let value: Value = serde_json::from_slice(request.body).map_err(|e| {
                    ApiError::bad_request(
                        "INVALID_JSON",
                        format!("request (body) is not valid JSON: {e}"),
                    )
                })?;
                let violations = violations(rule.validator.get()?, &value, "", In::Query);
                if violations.is_empty() {
                    Ok(())
                } else {
                    Err(ApiError::with_violations(violations))
                }
            }
        }
    }
}

fn decode(scalar: Scalar, text: &str, field: &str) -> Result<Value, ApiError> {
    scalar.decode(text).ok_or_else(|| {
        ApiError::bad_request(
            "INVALID_DATA_TYPE",
            format!("{field} must be {}, got `{text}`", scalar.describe()),
        )
    })
}

fn template_matches(template: &[Segment], path: &str) -> bool {
    let actual = segments(path);
    actual.len() == template.len()
        && template.iter().zip(&actual).all(|(t, a)| match t {
            Segment::Literal(lit) => lit == a,
            Segment::Param(_) => !a.is_empty(),
        })
}

/// The percent-decoded values of the template's parameters (the caller classified the path
/// as this operation, so the segments line up); a value that does not decode to UTF-8 is a
/// 400 naming the parameter.
fn path_parameters(template: &[Segment], path: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    for (segment, actual) in template.iter().zip(segments(path)) {
        let Segment::Param(name) = segment else {
            continue;
        };
        let decoded = percent_decode_str(actual).decode_utf8().map_err(|_| {
            ApiError::bad_request(
                "INVALID_PARAMETER_VALUE",
                format!("{name} (path) is not valid UTF-8 once percent-decoded"),
            )
        })?;
        out.insert(name.clone(), decoded.into_owned());
    }
    Ok(out)
}

/// Query pairs, percent-decoded; invalid UTF-8 is a 400.
fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            let plus = s.replace('+', " ");
            percent_decode_str(&plus)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| {
                    ApiError::bad_request(
                        "INVALID_PARAMETER_VALUE",
                        "a query parameter is not valid UTF-8 once percent-decoded",
                    )
                })
        };
        out.push((decode(name)?, decode(value)?));
    }
    Ok(out)
}

/// One violation per offending JSON path, in the order the validator found them.
fn violations(
    validator: &jsonschema::Validator,
    instance: &Value,
    param: &str,
    location: In,
) -> Vec<Violation> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for error in validator.iter_errors(instance) {
        let pointer = error.instance_path.to_string();
        let mut parts: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        let (code, rule) = match &error.kind {
            ValidationErrorKind::Required { property } => {
                parts.push(property.as_str().unwrap_or_default().to_owned());
                ("MISSING_PARAMETER", "is required".to_owned())
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let mut path = parts.clone();
                    path.push(name.clone());
                    let field = field_name(param, location, &path);
                    if seen.insert(field.clone()) {
                        out.push(Violation {
                            code: "UNEXPECTED_PROPERTY".to_owned(),
                            message: format!("{field} is not a property this request accepts"),
                        });
                    }
                }
                continue;
            }
            ValidationErrorKind::Type { .. } => ("INVALID_DATA_TYPE", error.to_string()),
            ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => {
                ("INVALID_ENUM_VALUE", error.to_string())
            }
            ValidationErrorKind::MinLength { .. } | ValidationErrorKind::MaxLength { .. } => {
                ("INVALID_STRING_LENGTH", error.to_string())
            }
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. } => {
                ("INVALID_NUMBER_RANGE", error.to_string())
            }
            ValidationErrorKind::MinItems { .. }
            | ValidationErrorKind::MaxItems { .. }
            | ValidationErrorKind::MinProperties { .. }
            | ValidationErrorKind::MaxProperties { .. } => {
                ("INVALID_ARRAY_LENGTH", error.to_string())
            }
            ValidationErrorKind::Format { .. } | ValidationErrorKind::Pattern { .. } => {
                ("INVALID_FORMAT", error.to_string())
            }
            _ => ("INVALID_PARAMETER_VALUE", error.to_string()),
        };
        let field = field_name(param, location, &parts);
        if seen.insert(field.clone()) {
            out.push(Violation {
                code: code.to_owned(),
                message: format!("{field}: {rule}"),
            });
        }
    }
    out
}

/// `manifest.publishingInformation.locales.en-US.name (body)` or `maxResults (query)`.
fn field_name(param: &str, location: In, parts: &[String]) -> String {
    if param.is_empty() {
        let path = if parts.is_empty() {
            "request".to_owned()
        } else {
            parts.join(".")
        };
        format!("{path} (body)")
    } else {
        let mut name = param.to_owned();
        for part in parts {
            name.push_str(&format!("[{part}]"));
        }
        format!("{name} ({})", location.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Validators are compiled lazily, so a schema that does not compile would only show on a
    /// request: every one the embedded spec derives must compile.
    #[test]
    fn every_validator_of_the_embedded_spec_compiles() {
        let rules = RequestRules::from_parsed(
            &crate::schema::parse_spec(crate::config::EMBEDDED_SPEC).unwrap(),
        )
        .unwrap();
        let mut count = 0;
        for (id, op) in &rules.operations {
            let validators = op
                .params
                .iter()
                .map(|p| &p.validator)
                .chain(op.body.iter().map(|b| &b.validator));
            for v in validators {
                assert!(v.get().is_ok(), "{id}: {:?}", v.compiled.get());
                count += 1;
            }
        }
        assert!(count >= 20, "only {count} validators");
    }

    /// A schema that is not valid JSON Schema answers the request with a 500 naming it.
    #[test]
    fn an_invalid_schema_is_a_500_when_first_needed() {
        let v = LazyValidator::new(json!({"type": 12}));
        let err = v.get().expect_err("refused");
        assert_eq!(err.status.as_u16(), 500);
    }
}

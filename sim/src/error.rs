//! Error answers in the three body shapes the pages use, and the simulator's own start-up error.
//!
//! - SMAPI skill, publishing and resource-schema endpoints: `{"code", "message", "violations"?}`.
//! - Discovery-session endpoints: `{"type", "message"}`.
//! - The Login with Amazon token endpoint: `{"error", "error_description"}` (RFC 6749 §5.2).

use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Which error body shape an answer uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorFamily {
    Smapi,
    Discovery,
    OAuth,
}

/// One entry of `violations`: one offending field (JSON path) and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub code: String,
    pub message: String,
}

/// An error answer: status, machine code, human message naming the field and the rule.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub with_violation: bool,
    /// Every problem found, when there is more than the one `code`/`message` names.
    pub violations: Vec<Violation>,
    pub retry_after_secs: Option<u64>,
    pub family: ErrorFamily,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            with_violation: false,
            violations: Vec::new(),
            retry_after_secs: None,
            family: ErrorFamily::Smapi,
        }
    }

    /// 400 with a violation entry repeating the code and message.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, code, message);
        e.with_violation = true;
        e
    }

    /// 400 listing every violation; `code` and `message` are the first one's (with a count
    /// when there are more).
    pub fn with_violations(violations: Vec<Violation>) -> Self {
        let (code, mut message) = violations.first().map_or_else(
            || {
                (
                    "INVALID_REQUEST".to_owned(),
                    "the request is not valid".to_owned(),
                )
            },
            |v| (v.code.clone(), v.message.clone()),
        );
        if violations.len() > 1 {
            message.push_str(&format!(" (and {} more violations)", violations.len() - 1));
        }
        let mut e = Self::new(StatusCode::BAD_REQUEST, &code, message);
        e.with_violation = true;
        e.violations = violations;
        e
    }

    /// 413: the request body is over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// 405: the path exists, the method does not.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            message,
        )
    }

    /// 400: a required parameter or property is absent.
    pub fn missing(field: &str, location: &str) -> Self {
        Self::bad_request(
            "MISSING_PARAMETER",
            format!("{field} ({location}) is required"),
        )
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "CONFLICT", message)
    }

    pub fn precondition_failed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "PRECONDITION_FAILED",
            message,
        )
    }

    pub fn too_many_requests(retry_after_secs: u64, message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", message);
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            message,
        )
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            message,
        )
    }

    /// An OAuth error (`invalid_request`, `invalid_client`, `invalid_grant`, ...).
    pub fn oauth(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        let mut e = Self::new(status, error, description);
        e.family = ErrorFamily::OAuth;
        e
    }

    pub fn in_family(mut self, family: ErrorFamily) -> Self {
        self.family = family;
        self
    }

    /// The JSON body for this error.
    pub fn body(&self) -> Value {
        match self.family {
            ErrorFamily::Smapi => {
                let mut body = json!({ "code": self.code, "message": self.message });
                if !self.violations.is_empty() {
                    body["violations"] = self
                        .violations
                        .iter()
                        .map(|v| json!({ "code": v.code, "message": v.message }))
                        .collect();
                } else if self.with_violation {
                    body["violations"] = json!([{ "code": self.code, "message": self.message }]);
                }
                body
            }
            ErrorFamily::Discovery => {
                json!({ "type": discovery_type(self.status), "message": self.message })
            }
            ErrorFamily::OAuth => {
                // A 5xx or 429 from the token endpoint (injected faults) still uses OAuth's shape.
                json!({ "error": self.code.to_ascii_lowercase(), "error_description": self.message })
            }
        }
    }
}

fn discovery_type(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "BAD_REQUEST",
        StatusCode::UNAUTHORIZED => "UNAUTHORIZED",
        StatusCode::FORBIDDEN => "FORBIDDEN",
        StatusCode::NOT_FOUND => "NOT_FOUND",
        StatusCode::CONFLICT => "CONFLICT",
        StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::TOO_MANY_REQUESTS => "TOO_MANY_REQUESTS",
        StatusCode::SERVICE_UNAVAILABLE => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_SERVER_ERROR",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = json_response(self.status, &self.body());
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.family == ErrorFamily::OAuth {
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        response
    }
}

/// A JSON response with `Content-Type: application/json`.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    json_response_typed(status, body, "application/json")
}

/// A JSON response with the given content type.
pub(crate) fn json_response_typed(
    status: StatusCode,
    body: &Value,
    content_type: &'static str,
) -> Response {
    // Serialising a `Value` cannot fail (all keys are strings).
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Why the simulator could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Binding the listening socket failed.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The state file exists but cannot be read or parsed.
    #[error("cannot load state file {path}: {reason}")]
    LoadState {
        /// The `--state` file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Writing the state file failed.
    #[error("cannot write state file {path}: {reason}")]
    SaveState {
        /// The `--state` file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The OpenAPI spec could not be turned into the manifest JSON Schema.
    #[error("cannot derive the manifest schema from the OpenAPI spec: {0}")]
    Schema(#[from] crate::schema::SchemaError),
    /// An operation ID given to a fault script is not one the simulator knows.
    #[error(transparent)]
    UnknownOperation(#[from] crate::operation::UnknownOperation),
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
}

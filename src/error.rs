//! The crate's one error type.

use std::time::Duration;

use crate::SkillId;
use crate::generated::open_enums::PublicationStatus;
use crate::generated::types::{StatusMessage, ValidationViolation};

/// The source of an [`Error`]: the lower-level error it came from (a connection failure, a
/// JSON syntax error, the token provider's own error, ...), reachable through
/// [`std::error::Error::source`]. Boxed, so no dependency's type appears in this crate's API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong, in one enum.
///
/// `Display` names the operation (as the spec's `operationId`) and shows the server's own
/// message; [`source`](std::error::Error::source) leads to the lower-level cause, when there
/// is one. No variant ever holds an access token, refresh token or client secret.
///
/// ```
/// use alexa_smapi::Error;
/// let e = Error::Validation { field: "skillId", rule: "1 to 255 characters".into() };
/// assert_eq!(e.to_string(), "invalid skillId: 1 to 255 characters");
/// assert!(!e.is_retryable());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SMAPI answered with an error status not covered by a more specific variant.
    #[error(
        "{operation}: HTTP {status}{}: {message}{}",
        code_suffix(code),
        violations_suffix(violations)
    )]
    Api {
        /// The operation, as the spec's `operationId` (for example `getSkillManifest`).
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// The server's error `code` (`type` on Discovery Session), when sent.
        code: Option<String>,
        /// The server's message, unchanged.
        message: String,
        /// The problems the server listed, when it did.
        violations: Vec<ValidationViolation>,
    },
    /// 412: the `If-Match` ETag no longer matches; someone else changed the resource.
    #[error(
        "{operation}: precondition failed (HTTP 412){}: {message}{}",
        code_suffix(code),
        violations_suffix(violations)
    )]
    PreconditionFailed {
        /// The operation.
        operation: &'static str,
        /// The server's error `code`, when sent.
        code: Option<String>,
        /// The server's message.
        message: String,
        /// The problems the server listed, when it did.
        violations: Vec<ValidationViolation>,
    },
    /// 404: the skill, stage, publication or session does not exist.
    #[error(
        "{operation}: not found (HTTP 404){}: {message}{}",
        code_suffix(code),
        violations_suffix(violations)
    )]
    NotFound {
        /// The operation.
        operation: &'static str,
        /// The server's error `code`, when sent.
        code: Option<String>,
        /// The server's message.
        message: String,
        /// The problems the server listed, when it did.
        violations: Vec<ValidationViolation>,
    },
    /// 401: the access token was refused (after one refresh, when the provider can refresh).
    #[error(
        "{operation}: unauthorized (HTTP 401){}: {message}{}",
        code_suffix(code),
        violations_suffix(violations)
    )]
    Unauthorized {
        /// The operation.
        operation: &'static str,
        /// The server's error `code`, when sent.
        code: Option<String>,
        /// The server's message.
        message: String,
        /// The problems the server listed, when it did.
        violations: Vec<ValidationViolation>,
    },
    /// 429 after the retries the policy allows.
    #[error(
        "{operation}: rate limited (HTTP 429){}{}: {message}",
        code_suffix(code),
        retry_after_suffix(retry_after)
    )]
    RateLimited {
        /// The operation.
        operation: &'static str,
        /// The server's `Retry-After`, when sent.
        retry_after: Option<Duration>,
        /// The server's error `code`, when sent.
        code: Option<String>,
        /// The server's message.
        message: String,
    },
    /// An input broke a documented rule; nothing was sent.
    #[error("invalid {field}: {rule}")]
    Validation {
        /// The field, as the spec names it (`skillId`, `maxResults`, `publishesAtDate`, ...).
        field: &'static str,
        /// The rule it broke.
        rule: String,
    },
    /// The request timed out (after the retries the policy allows).
    #[error("{operation}: timed out: {message}")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// What timed out (URLs stripped).
        message: String,
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// The connection failed or broke (after the retries the policy allows).
    #[error("{operation}: transport failure: {message}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// What failed (URLs stripped).
        message: String,
        /// The underlying error (its URL stripped).
        #[source]
        source: BoxError,
    },
    /// A response could not be decoded.
    #[error("{operation}: undecodable response: {message}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// What was wrong.
        message: String,
        /// The underlying error (a JSON syntax or shape error, for example), when there is one.
        #[source]
        source: Option<BoxError>,
    },
    /// A presigned URL the server handed out had already expired when the client came to use
    /// it, even after asking for a fresh one.
    #[error("{operation}: the URL the server returned expired at {expired_at}")]
    UrlExpired {
        /// The operation that returned the URL.
        operation: &'static str,
        /// When it expired, as the server stated.
        expired_at: chrono::DateTime<chrono::Utc>,
    },
    /// No access token could be obtained (LWA refused the refresh token, for example).
    #[error("authorization: {message}")]
    Auth {
        /// What went wrong (never a secret).
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<BoxError>,
    },
    /// Configuration is unusable (bad URL, missing credentials, unreadable ASK CLI file).
    #[error("configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
        /// The underlying error (an I/O or parse error, for example), when there is one.
        #[source]
        source: Option<BoxError>,
    },
    /// A skill build finished with `FAILED`; the server's errors are kept.
    #[error("skill {skill_id}: build FAILED: {}", messages(errors))]
    BuildFailed {
        /// The skill.
        skill_id: SkillId,
        /// The errors of the build, as the server reported them.
        errors: Vec<StatusMessage>,
    },
    /// A publication ended in `FAILED` or `CANCELLED`.
    #[error("skill {skill_id}: publication {status}")]
    PublicationFailed {
        /// The skill.
        skill_id: SkillId,
        /// The final status.
        status: PublicationStatus,
    },
    /// A discovery session ended in `FAILED`.
    #[error("discovery session {session_id}: FAILED")]
    DiscoveryFailed {
        /// The session.
        session_id: String,
    },
    /// A write may or may not have been applied, and reading the current state could not
    /// settle it: its answer was lost (connection reset, body cut off, 500 after processing)
    /// and trying again could apply it twice (a second skill, a second session) or the state
    /// now holds something else. Not retryable as is: `advice` says what settles it.
    #[error("{operation}: outcome unknown ({reason}); {advice}")]
    OutcomeUnknown {
        /// The operation.
        operation: &'static str,
        /// What made the outcome unknown.
        reason: String,
        /// What the caller can do to find out (for example: list the vendor's skills).
        advice: &'static str,
    },
    /// A wait (build, publication, discovery) did not finish within its overall timeout.
    #[error("{what}: not finished after {waited:?} (last state {last_state})")]
    WaitTimeout {
        /// What was waited for.
        what: String,
        /// How long.
        waited: Duration,
        /// The last state seen.
        last_state: String,
    },
}

impl Error {
    /// A [`Config`](Error::Config) error without an underlying cause.
    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
            source: None,
        }
    }

    /// A [`Config`](Error::Config) error caused by `source`.
    pub(crate) fn config_from(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::Config {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// A [`Decode`](Error::Decode) error caused by `source`.
    pub(crate) fn decode(
        operation: &'static str,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::Decode {
            operation,
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
}

fn violations_suffix(violations: &[ValidationViolation]) -> String {
    if violations.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    format!(" ({})", list.join("; "))
}

fn retry_after_suffix(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|d| format!(", retry after {}s", d.as_secs()))
        .unwrap_or_default()
}

fn messages(errors: &[StatusMessage]) -> String {
    if errors.is_empty() {
        return "no reason given".to_owned();
    }
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// Whether trying again later may succeed: rate limiting, timeouts, transport failures
    /// and 500/502/503/504. (The client has already retried as its policy allows.) Never true
    /// for [`Error::OutcomeUnknown`]: repeating that write blindly may apply it twice.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Api { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// The HTTP status the error came with, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::PreconditionFailed { .. } => Some(412),
            Error::NotFound { .. } => Some(404),
            Error::Unauthorized { .. } => Some(401),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The operation (`operationId`) the error came from, if it came from a request.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::PreconditionFailed { operation, .. }
            | Error::NotFound { operation, .. }
            | Error::Unauthorized { operation, .. }
            | Error::RateLimited { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. }
            | Error::OutcomeUnknown { operation, .. }
            | Error::UrlExpired { operation, .. } => Some(operation),
            _ => None,
        }
    }

    /// The server's error `code` (`type` on Discovery Session), when the server sent an error
    /// body with one: on [`Api`](Error::Api), [`PreconditionFailed`](Error::PreconditionFailed),
    /// [`NotFound`](Error::NotFound), [`Unauthorized`](Error::Unauthorized) and
    /// [`RateLimited`](Error::RateLimited).
    ///
    /// ```
    /// use alexa_smapi::Error;
    /// let e = Error::NotFound {
    ///     operation: "getSkillManifest",
    ///     code: Some("SKILL_NOT_FOUND".into()),
    ///     message: "no such skill".into(),
    ///     violations: vec![],
    /// };
    /// assert_eq!(e.code(), Some("SKILL_NOT_FOUND"));
    /// assert_eq!(e.server_message(), Some("no such skill"));
    /// assert!(e.violations().is_empty());
    /// ```
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. }
            | Error::PreconditionFailed { code, .. }
            | Error::NotFound { code, .. }
            | Error::Unauthorized { code, .. }
            | Error::RateLimited { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The server's own message, unchanged, on the variants that carry a server error body
    /// (the same ones as [`code`](Error::code)); `None` for errors raised on this side.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. }
            | Error::PreconditionFailed { message, .. }
            | Error::NotFound { message, .. }
            | Error::Unauthorized { message, .. }
            | Error::RateLimited { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The problems the server listed with an error status (`violations` of its error body);
    /// empty when it listed none or the error did not come from the server. A failed build's
    /// errors are [`BuildFailed::errors`](Error::BuildFailed).
    pub fn violations(&self) -> &[ValidationViolation] {
        match self {
            Error::Api { violations, .. }
            | Error::PreconditionFailed { violations, .. }
            | Error::NotFound { violations, .. }
            | Error::Unauthorized { violations, .. } => violations,
            _ => &[],
        }
    }

    /// Converts an error of the raw generated client into this type. `operation` is the
    /// spec's `operationId`, used in messages.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// let raw = smapi.raw();
    /// let answer = raw.get_skill_status().skill_id("amzn1.ask.skill.x").send().await;
    /// let status = match answer {
    ///     Ok(v) => v.into_inner(),
    ///     Err(e) => return Err(alexa_smapi::Error::from_generated("getSkillStatus", e).await),
    /// };
    /// # let _ = status; Ok(()) }
    /// ```
    pub async fn from_generated<E: ErrorBody>(
        operation: &'static str,
        error: crate::generated::RawError<E>,
    ) -> Error {
        use progenitor_client::Error as Raw;
        match error {
            Raw::InvalidRequest(rule) => Error::Validation {
                field: "request",
                rule,
            },
            Raw::CommunicationError(e) | Raw::InvalidUpgrade(e) | Raw::ResponseBodyError(e) => {
                from_reqwest(operation, e)
            }
            Raw::ErrorResponse(rv) => {
                let status = rv.status().as_u16();
                let retry_after = retry_after(rv.headers());
                let (code, message, violations) = rv.into_inner().into_parts();
                from_status(operation, status, code, message, violations, retry_after)
            }
            Raw::InvalidResponsePayload(_, e) => {
                Error::decode(operation, "the body does not match the spec", e)
            }
            Raw::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let retry_after = retry_after(response.headers());
                let body = response.bytes().await.unwrap_or_default();
                let parsed: Option<GenericBody> = serde_json::from_slice(&body).ok();
                let (code, message, violations) = match parsed {
                    Some(b) => (
                        b.code.or(b.kind),
                        b.message.unwrap_or_default(),
                        b.violations,
                    ),
                    None => (
                        None,
                        String::from_utf8_lossy(&body).chars().take(500).collect(),
                        Vec::new(),
                    ),
                };
                if (200..300).contains(&status) {
                    return Error::Decode {
                        operation,
                        message: format!("undocumented success status {status}"),
                        source: None,
                    };
                }
                from_status(operation, status, code, message, violations, retry_after)
            }
            Raw::Custom(message) => take_hook_error(&message).unwrap_or(Error::Auth {
                message,
                source: None,
            }),
        }
    }
}

#[derive(serde::Deserialize)]
struct GenericBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    violations: Vec<ValidationViolation>,
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::retry::parse_retry_after)
}

pub(crate) fn from_reqwest(operation: &'static str, e: reqwest::Error) -> Error {
    let e = e.without_url();
    let message = crate::transport::describe(&e);
    if e.is_timeout() {
        Error::Timeout {
            operation,
            message,
            source: Box::new(e),
        }
    } else if e.is_decode() {
        Error::Decode {
            operation,
            message,
            source: Some(Box::new(e)),
        }
    } else {
        Error::Transport {
            operation,
            message,
            source: Box::new(e),
        }
    }
}

fn from_status(
    operation: &'static str,
    status: u16,
    code: Option<String>,
    message: String,
    violations: Vec<ValidationViolation>,
    retry_after: Option<Duration>,
) -> Error {
    match status {
        401 => Error::Unauthorized {
            operation,
            code,
            message,
            violations,
        },
        404 => Error::NotFound {
            operation,
            code,
            message,
            violations,
        },
        412 => Error::PreconditionFailed {
            operation,
            code,
            message,
            violations,
        },
        429 => Error::RateLimited {
            operation,
            retry_after,
            code,
            message,
        },
        _ => Error::Api {
            operation,
            status,
            code,
            message,
            violations,
        },
    }
}

/// Errors the transport could not return as themselves.
///
/// The generated operations turn a failure of the transport before sending into a string
/// (`progenitor_client::Error::Custom`), the only form progenitor's error has for it. So that a
/// token provider's error reaches the caller whole (variant and `source()` chain), the
/// transport parks it here under a number, puts the number into the string, and
/// [`Error::from_generated`] takes it back out. The raw client's caller, who never converts,
/// sees the message; so that such errors cannot pile up, only the most recent
/// [`HOOK_ERRORS_KEPT`] are kept.
static HOOK_ERRORS: std::sync::Mutex<std::collections::VecDeque<(u64, Error)>> =
    std::sync::Mutex::new(std::collections::VecDeque::new());
static HOOK_ERROR_IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
const HOOK_ERRORS_KEPT: usize = 64;
const HOOK_ERROR_TAG: &str = " [alexa-smapi hook error #";

/// Parks `error` and returns the string the transport fails with.
pub(crate) fn stash_hook_error(error: Error) -> String {
    let id = HOOK_ERROR_IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let text = format!("{error}{HOOK_ERROR_TAG}{id}]");
    let mut parked = HOOK_ERRORS.lock().unwrap_or_else(|e| e.into_inner());
    if parked.len() >= HOOK_ERRORS_KEPT {
        parked.pop_front();
    }
    parked.push_back((id, error));
    text
}

/// The error parked for the transport failure `text`, if it is still there.
fn take_hook_error(text: &str) -> Option<Error> {
    let (_, tail) = text.rsplit_once(HOOK_ERROR_TAG)?;
    let id: u64 = tail.strip_suffix(']')?.parse().ok()?;
    let mut parked = HOOK_ERRORS.lock().unwrap_or_else(|e| e.into_inner());
    let index = parked.iter().position(|(i, _)| *i == id)?;
    parked.remove(index).map(|(_, error)| error)
}

/// An error body of the spec (`ServerError` or `DiscoveryError`), split into code, message
/// and violations. Implemented for both generated error types.
pub trait ErrorBody {
    /// `(code or type, message, violations)`.
    fn into_parts(self) -> (Option<String>, String, Vec<ValidationViolation>);
}

impl ErrorBody for crate::generated::types::ServerError {
    fn into_parts(self) -> (Option<String>, String, Vec<ValidationViolation>) {
        (self.code, self.message, self.violations)
    }
}

impl ErrorBody for crate::generated::types::DiscoveryError {
    fn into_parts(self) -> (Option<String>, String, Vec<ValidationViolation>) {
        (Some(self.type_), self.message, Vec::new())
    }
}

/// Shorthand for `Result<T, alexa_smapi::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

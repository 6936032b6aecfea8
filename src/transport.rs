//! The transport: the one place every request passes through on its way out.
//!
//! Every generated operation hands the request it built to `transport::send` (crate-private)
//! and reads the response it returns. codegen's `request_building` writes that call where
//! progenitor calls its `pre`, `exec` and `post` hooks: one future instead of three, and the
//! request is not kept in the operation's own future while it is sent. Here, and nowhere
//! else:
//! - `listSkillsForVendor` sends `Accept: application/json+hal` as its page documents (the
//!   `api-version` header progenitor would add, which SMAPI does not define, is already gone
//!   from the generated code: codegen's `request_building` removes it);
//! - `Authorization: Bearer …` is added from the [`TokenProvider`]; a 401 makes the provider
//!   refresh once and the request is replayed once;
//! - failures are retried as the [`RetryPolicy`] says (back-off with full jitter,
//!   `Retry-After`, idempotency); what each attempt sends comes from `crate::replay` (a read
//!   goes out itself the first time and is rebuilt only for a retry);
//! - each request runs in a `tracing` span `smapi.request` with `operation`, `method`, `path`,
//!   `status`, `attempts` and `latency_ms`; bodies are logged only at TRACE, headers never;
//! - error bodies that are not the spec's JSON (an HTML page from a proxy, an empty 502) are
//!   replaced by a JSON body `{"type": "HTTP_<status>", "message": <text>}` so the caller
//!   always gets the status and a message instead of a decoding error.
//!
//! The response also carries [`ATTEMPTS_HEADER`], the number of attempts made, and
//! [`MAYBE_APPLIED_HEADER`] when an earlier attempt may have been processed. A request that
//! ends in a transport failure after such an attempt reports that earlier failure (never a
//! bare "could not connect", which would hide that a write may have happened). Error bodies
//! pass through the redactor ([`crate::redact`]) before anything reads or logs them.
//!
//! Because this sits under the generated client, the raw client
//! ([`Smapi::raw`](crate::Smapi::raw)) gets exactly the same behaviour as the wrapper, with one
//! exception: the success body of an operation safe to repeat is neither buffered nor parsed
//! here (the generated code reads and decodes it once, into the response type), so when it
//! breaks off or does not decode the wrapper's reads send the request again
//! ([`crate::retry`]), while the raw client returns `RawError::ResponseBodyError` or
//! `RawError::InvalidResponsePayload`.

use std::future::Future;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
};
use tracing::Instrument;

use crate::auth::{Secret, StaticToken, TokenProvider};
use crate::generated::Client;
use crate::redact::{self, Redactor};
use crate::replay::Outgoing;
use crate::retry::{AttemptOutcome, Retrier, RetryPolicy, is_idempotent, retry_after_of};

/// Response header added by the transport: how many attempts the request took.
pub const ATTEMPTS_HEADER: &str = "x-alexa-smapi-attempts";

/// [`ATTEMPTS_HEADER`] as a ready-made header name.
const ATTEMPTS: HeaderName = HeaderName::from_static(ATTEMPTS_HEADER);

/// Response header added by the transport (value `1`) when an attempt before the one answered
/// may have been processed by the server: its answer was lost, cut off or a 500/502/504. A
/// write's handler reads it to tell "already done by my earlier attempt" from "refused".
pub const MAYBE_APPLIED_HEADER: &str = "x-alexa-smapi-maybe-applied";

/// [`MAYBE_APPLIED_HEADER`] as a ready-made header name.
const MAYBE_APPLIED: HeaderName = HeaderName::from_static(MAYBE_APPLIED_HEADER);

/// The operation whose documented response media type is `application/json+hal`
/// (progenitor reports operation IDs in snake case).
const HAL_OPERATION: &str = "list_skills_for_vendor";

/// The spec's `operationId` for progenitor's snake-case name (unchanged when unknown), from
/// the table generated from the spec ([`crate::generated::operations`]).
pub fn spec_operation_id(snake: &'static str) -> &'static str {
    crate::generated::operations::by_progenitor_id(snake).map_or(snake, |op| op.id)
}

/// State the generated client carries into every request (its progenitor "inner type"):
/// the token provider and the retry policy. Cheap to clone.
///
/// Constructing one has no side effect. The generated `Client::new(url, Transport::…)` builds
/// its `reqwest::Client` from [`http_client_builder`](crate::http_client_builder), which
/// carries the crate's TLS configuration; a `reqwest::Client` you build yourself needs that
/// builder too.
///
/// ```
/// use alexa_smapi::{RetryPolicy, transport::Transport};
/// let transport = Transport::with_access_token("Atza|token").with_retry_policy(RetryPolicy::none());
/// let raw = alexa_smapi::generated::Client::new("https://api.amazonalexa.com", transport);
/// # let _ = raw;
/// ```
#[derive(Clone)]
pub struct Transport {
    auth: Option<Arc<dyn TokenProvider>>,
    retry: Arc<RetryPolicy>,
    // The last token and its ready-made header value, so an unchanged token is not
    // re-formatted and re-validated on every request.
    bearer: Arc<RwLock<Option<(Secret, HeaderValue)>>>,
}

impl Default for Transport {
    /// Same as [`Transport::unauthenticated`].
    fn default() -> Self {
        Transport {
            auth: None,
            retry: Arc::new(RetryPolicy::default()),
            bearer: Arc::default(),
        }
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("auth", &self.auth.as_ref().map(|_| "<token provider>"))
            .field("retry", &self.retry)
            .finish()
    }
}

impl Transport {
    /// A transport that sends no `Authorization` header (default retry policy).
    pub fn unauthenticated() -> Self {
        Self::default()
    }

    /// A transport that sends `token` as a bearer token on every request.
    pub fn with_access_token(token: impl Into<Secret>) -> Self {
        Self::with_token_provider(Arc::new(StaticToken::new(token)))
    }

    /// A transport that asks `provider` for the token of every request.
    pub fn with_token_provider(provider: Arc<dyn TokenProvider>) -> Self {
        Transport {
            auth: Some(provider),
            ..Self::default()
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Arc::new(retry);
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The token provider, if any.
    pub fn token_provider(&self) -> Option<&Arc<dyn TokenProvider>> {
        self.auth.as_ref()
    }

    fn bearer_for(&self, token: &Secret) -> Option<HeaderValue> {
        if let Some((cached, value)) = self
            .bearer
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            && cached == token
        {
            return Some(value.clone());
        }
        let value = bearer_header(token)?;
        *self.bearer.write().unwrap_or_else(|e| e.into_inner()) =
            Some((token.clone(), value.clone()));
        Some(value)
    }

    /// The ready-made `Authorization` value for `token`, or the failure `send` reports.
    fn authorization_for(&self, token: &Secret) -> Result<HeaderValue, SendError> {
        self.bearer_for(token).ok_or_else(|| {
            SendError::Hook(
                "authorization: the access token contains characters not allowed in a header"
                    .to_owned(),
            )
        })
    }

    /// Puts the bearer token on `request` when it is at hand (or when the transport sends
    /// none); otherwise returns the provider that must be asked, which costs a future.
    fn authorize_now(
        &self,
        request: &mut reqwest::Request,
    ) -> Result<Option<&Arc<dyn TokenProvider>>, SendError> {
        let Some(provider) = &self.auth else {
            return Ok(None);
        };
        let Some(token) = provider.token_now() else {
            return Ok(Some(provider));
        };
        // The generated request carries no `Authorization` of its own: `append` adds the
        // only one, without `insert`'s search for others.
        let value = self.authorization_for(&token)?;
        request.headers_mut().append(AUTHORIZATION, value);
        Ok(None)
    }

    /// Asks `provider` for a token; its own error, whole, on failure (see
    /// `error::stash_hook_error`).
    async fn fetch_authorization(
        &self,
        provider: &Arc<dyn TokenProvider>,
    ) -> Result<HeaderValue, SendError> {
        let token = provider
            .token()
            .await
            .map_err(|e| SendError::Hook(crate::error::stash_hook_error(e)))?;
        self.authorization_for(&token)
    }

    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn keeps the request both as argument and as binding (measured: 1432 \
                  against 1096 bytes of future)"
    )]
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        authorized: Result<Option<&'a Arc<dyn TokenProvider>>, SendError>,
        operation: &'static str,
        span: tracing::Span,
    ) -> impl Future<Output = Result<reqwest::Response, SendError>> + Send + 'a {
        // An `async` block rather than an `async fn`: an `async fn` keeps its arguments in its
        // state twice (as arguments and as the bindings of its body), and the request is large.
        // For the same reason the first attempt is handed to reqwest here, outside the block:
        // the block then holds reqwest's small pending future, not the request.
        if tracing::enabled!(tracing::Level::TRACE)
            && let Some(body) = request.body().and_then(|b| b.as_bytes())
        {
            let text = String::from_utf8_lossy(body);
            tracing::trace!(body = %redact::generic(&text), "request body");
        }
        let (mut outgoing, first) = Outgoing::new(request);
        let (first, first_only) = first.into_request();
        let first = match authorized {
            Ok(None) => First::Sent(client.execute(first)),
            // Rare (a first token, a refresh): the request waits boxed, so the block stays small.
            Ok(Some(provider)) => First::AfterToken(Box::new(first), provider),
            Err(refused) => First::Refused(refused),
        };
        async move {
            let mut first = Some(match first {
                First::Sent(pending) => pending,
                First::Refused(refused) => return Err(refused),
                First::AfterToken(request, provider) => {
                    let value = self.fetch_authorization(provider).await?;
                    let mut request = *request;
                    request.headers_mut().append(AUTHORIZATION, value.clone());
                    outgoing.set_authorization(value);
                    client.execute(request)
                }
            });
            let idempotent = is_idempotent(operation);
            let mut retrier = Retrier::new(&self.retry);
            let mut refreshed = false;
            // Whether an attempt before the current one may have been processed by the server,
            // and the first such failure (returned instead of a later "could not connect", which
            // would hide that the write may have happened).
            let mut maybe_applied = false;
            let mut ambiguous_error: Option<reqwest::Error> = None;
            loop {
                let attempt = retrier.begin();
                span.record("attempts", attempt);
                let (pending, only) = match first.take() {
                    Some(pending) => (pending, first_only),
                    None => {
                        let (request, only) = outgoing.next_attempt().into_request();
                        (client.execute(request), only)
                    }
                };
                let sent = pending.await;
                if only {
                    return Ok(sent?);
                }
                let mut response = match sent {
                    Ok(response) => response,
                    Err(e) => {
                        let outcome = if e.is_connect() {
                            AttemptOutcome::NotSent
                        } else {
                            AttemptOutcome::MaybeProcessed
                        };
                        let wait = if self.retry.retry_transport_errors {
                            retrier.next_wait(outcome, idempotent, None)
                        } else {
                            None
                        };
                        tracing::debug!(attempt, error = %describe(&e), ?outcome, retrying = wait.is_some(), "transport failure");
                        if let Some(delay) = wait {
                            if outcome == AttemptOutcome::MaybeProcessed {
                                maybe_applied = true;
                                ambiguous_error.get_or_insert(e);
                            }
                            Box::pin(tokio::time::sleep(delay)).await;
                            continue;
                        }
                        span.record("latency_ms", retrier.elapsed().as_millis() as u64);
                        return Err(SendError::Transport(match ambiguous_error {
                            Some(earlier) if outcome == AttemptOutcome::NotSent => earlier,
                            _ => e,
                        }));
                    }
                };
                let status = response.status();
                let code = status.as_u16();
                tracing::debug!(attempt, status = code, "response");

                if code == 401 && !refreshed {
                    refreshed = true;
                    if let (Some(provider), Some(rejected)) =
                        (&self.auth, outgoing.authorization().and_then(bearer_of))
                    {
                        match provider.refresh_after_rejection(&rejected).await {
                            Ok(Some(fresh)) => {
                                if let Some(value) = bearer_header(&fresh) {
                                    outgoing.set_authorization(value);
                                    tracing::debug!(
                                        attempt,
                                        "401: token refreshed; replaying once"
                                    );
                                    continue;
                                }
                            }
                            Ok(None) => {}
                            Err(e) => tracing::debug!(error = %e, "401: token refresh failed"),
                        }
                    }
                }

                // A success of an operation safe to repeat goes on as it came: the generated code
                // reads and decodes its body once, and the wrapper's reads send again when that
                // body breaks off or does not decode (`retry::resend_undecodable`). (At TRACE the
                // body is buffered below, to be logged.)
                if status.is_success() && idempotent && !tracing::enabled!(tracing::Level::TRACE) {
                    let headers = response.headers_mut();
                    headers.insert(ATTEMPTS, attempts_value(attempt));
                    if maybe_applied {
                        headers.insert(MAYBE_APPLIED, HeaderValue::from_static("1"));
                    }
                    span.record("status", code);
                    // (A clock read only for a span someone records.)
                    if !span.is_disabled() {
                        span.record("latency_ms", retrier.elapsed().as_millis() as u64);
                    }
                    return Ok(response);
                }

                // Buffer the body here, so a body that breaks off can still be retried. The head is
                // taken out first (moved, not copied), and the URL kept so the rebuilt response
                // still reports it (without it reqwest would parse a placeholder URL).
                let version = response.version();
                let url = response.url().clone();
                let mut headers = std::mem::take(response.headers_mut());
                let extensions = std::mem::take(response.extensions_mut());
                // (Waits and this read are boxed: they are off the hot path, and inline they would
                // make every request's future larger than the allocator's fast size classes.)
                let body = match Box::pin(response.bytes()).await {
                    Ok(body) => body,
                    Err(e) => {
                        // The body broke off (connection closed, truncated): the request was
                        // processed, so only operations safe to repeat are retried.
                        let wait = if self.retry.retry_transport_errors {
                            retrier.next_wait(AttemptOutcome::MaybeProcessed, idempotent, None)
                        } else {
                            None
                        };
                        tracing::debug!(attempt, error = %describe(&e), retrying = wait.is_some(), "response body failed");
                        maybe_applied = true;
                        if let Some(delay) = wait {
                            Box::pin(tokio::time::sleep(delay)).await;
                            continue;
                        }
                        span.record("latency_ms", retrier.elapsed().as_millis() as u64);
                        return Err(SendError::Transport(e));
                    }
                };

                if !status.is_success()
                    && let Some(outcome) = self.retry.status_outcome(code)
                {
                    let retry_after = retry_after_of(&headers);
                    if let Some(delay) = retrier.next_wait(outcome, idempotent, retry_after) {
                        tracing::debug!(
                            attempt,
                            status = code,
                            delay_ms = delay.as_millis() as u64,
                            retry_after = retry_after.is_some(),
                            "retrying"
                        );
                        if outcome == AttemptOutcome::MaybeProcessed {
                            maybe_applied = true;
                        }
                        Box::pin(tokio::time::sleep(delay)).await;
                        continue;
                    }
                }

                // Only error bodies and TRACE logs need the redactor: built then, not per request.
                let redactor = || {
                    let token = outgoing.authorization().and_then(bearer_of)?;
                    Some(Redactor::new([token.expose()]))
                };
                let body = if status.is_client_error() || status.is_server_error() {
                    // Server text about a failed request: it may echo the credential we sent.
                    let body = redact_body(redactor().as_ref(), body, &mut headers);
                    normalise_error_body(status, operation, body, &mut headers)
                } else {
                    body
                };
                if tracing::enabled!(tracing::Level::TRACE) {
                    let text = String::from_utf8_lossy(&body);
                    let text = match redactor() {
                        Some(r) => r.redact(&text).into_owned(),
                        None => redact::generic(&text).into_owned(),
                    };
                    tracing::trace!(body = %text, "response body");
                }
                headers.insert(ATTEMPTS, attempts_value(attempt));
                if maybe_applied {
                    headers.insert(MAYBE_APPLIED, HeaderValue::from_static("1"));
                }
                span.record("status", code);
                span.record("latency_ms", retrier.elapsed().as_millis() as u64);
                return Ok(rebuild(status, version, url, headers, extensions, body));
            }
        }
    }
}

/// An error body with every secret removed (the bearer token sent, in every form, and any
/// credential-shaped text). A JSON body is redacted string by string, after JSON decoding,
/// so an escaped secret is caught in the form a reader of the message would see.
fn redact_body(redactor: Option<&Redactor>, body: Bytes, headers: &mut HeaderMap) -> Bytes {
    let Ok(text) = std::str::from_utf8(&body) else {
        return body;
    };
    let redact = |t: &str| -> Option<String> {
        let out = match redactor {
            Some(r) => r.redact(t),
            None => redact::generic(t),
        };
        match out {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(s) => Some(s),
        }
    };
    let replaced = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) => redact::json_strings(&mut value, &redact)
            .then(|| serde_json::to_string(&value).ok())
            .flatten(),
        Err(_) => redact(text),
    };
    match replaced {
        None => body,
        Some(text) => {
            headers.remove(CONTENT_LENGTH);
            Bytes::from(text)
        }
    }
}

/// A reqwest error described without its URL (which may carry a presigned signature).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() {
        "body"
    } else {
        "request"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn attempts_value(attempt: u32) -> HeaderValue {
    const SMALL: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match SMALL.get(attempt as usize) {
        Some(text) => HeaderValue::from_static(text),
        None => HeaderValue::from(attempt),
    }
}

fn bearer_header(token: &Secret) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

fn bearer_of(authorization: &HeaderValue) -> Option<Secret> {
    let value = authorization.to_str().ok()?;
    Some(Secret::new(value.strip_prefix("Bearer ")?))
}

/// A response rebuilt around its buffered body, reporting the URL it came from.
fn rebuild(
    status: reqwest::StatusCode,
    version: http::Version,
    url: reqwest::Url,
    headers: HeaderMap,
    extensions: http::Extensions,
    body: Bytes,
) -> reqwest::Response {
    use reqwest::ResponseBuilderExt;
    // reqwest keeps the URL in a private extension that only its builder extension sets; it
    // goes into the response's own extensions. Building with no fallible part cannot fail; if
    // it ever did, only the extensions and the URL would be lost.
    let mut builder = http::Response::builder();
    if let Some(slot) = builder.extensions_mut() {
        *slot = extensions;
    }
    let (mut parts, ()) = builder.url(url).body(()).unwrap_or_default().into_parts();
    parts.status = status;
    parts.version = version;
    parts.headers = headers;
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// Makes sure an error body decodes as the operation's error schema: a JSON object with a
/// string `message` (and `type`, which the Discovery Session error requires).
fn normalise_error_body(
    status: reqwest::StatusCode,
    operation: &str,
    body: Bytes,
    headers: &mut HeaderMap,
) -> Bytes {
    let discovery = operation.contains("discovery_session");
    let kind = format!("HTTP_{}", status.as_u16());
    let mut value = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(map))
            if map.get("message").is_some_and(|m| m.is_string())
                && (!discovery || map.get("type").is_some_and(|t| t.is_string())) =>
        {
            return body;
        }
        Ok(serde_json::Value::Object(map)) if map.get("message").is_some_and(|m| m.is_string()) => {
            map
        }
        _ => {
            let text: String = String::from_utf8_lossy(&body)
                .trim()
                .chars()
                .take(500)
                .collect();
            let message = if text.is_empty() {
                status.canonical_reason().unwrap_or("error").to_owned()
            } else {
                text
            };
            let mut map = serde_json::Map::new();
            map.insert("message".into(), serde_json::Value::String(message));
            map
        }
    };
    value
        .entry("type")
        .or_insert_with(|| serde_json::Value::String(kind));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.remove(CONTENT_LENGTH);
    Bytes::from(serde_json::Value::Object(value).to_string())
}

/// The first attempt of a call, as the retry loop starts it.
enum First<'a, P> {
    /// On its way: reqwest's pending future.
    Sent(P),
    /// Waiting for the token provider.
    AfterToken(Box<reqwest::Request>, &'a Arc<dyn TokenProvider>),
    /// Not sent: the token cannot go in a header.
    Refused(SendError),
}

/// Why [`send`] returned no response; the generated code's `?` turns it into the raw client's
/// error.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The token provider failed, or its token cannot be a header
    /// (`progenitor_client::Error::Custom`, read back by `Error::from_generated`).
    Hook(String),
    /// The request failed on the way (`progenitor_client::Error::CommunicationError`).
    Transport(reqwest::Error),
}

impl From<reqwest::Error> for SendError {
    fn from(e: reqwest::Error) -> Self {
        SendError::Transport(e)
    }
}

impl<E> From<SendError> for progenitor_client::Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Hook(message) => progenitor_client::Error::Custom(message),
            SendError::Transport(e) => progenitor_client::Error::CommunicationError(e),
        }
    }
}

/// Sends `request`, built by the generated operation `info`, as this module describes: the
/// `Accept` of `listSkillsForVendor`, the bearer token, retries, the span, and error bodies
/// the caller can always decode.
pub(crate) fn send<'a>(
    client: &'a Client,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> impl Future<Output = Result<reqwest::Response, SendError>> + Send + 'a {
    let transport = &client.inner;
    let operation = info.operation_id;
    if operation == HAL_OPERATION {
        request
            .headers_mut()
            .insert(ACCEPT, HeaderValue::from_static("application/json+hal"));
    }
    // The token at hand goes on now; asking the provider, or a token that cannot be a
    // header, is left to the retry loop's future (which reports the failure, unsent).
    let authorized = transport.authorize_now(&mut request);
    let span = tracing::debug_span!(
        "smapi.request",
        operation = spec_operation_id(operation),
        method = %request.method(),
        path = request.url().path(),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    // The retry loop (its future is under 1 KB: waits and body buffering are boxed off the
    // hot path, and the request is held once) is awaited in place: boxing it cost an
    // allocation per request and measured no faster. It is entered on every poll only when a
    // subscriber wants the span (a disabled span is still recorded into, which costs nothing).
    let execute = transport.execute(
        client.client(),
        request,
        authorized,
        operation,
        span.clone(),
    );
    if span.is_disabled() {
        futures::future::Either::Left(execute)
    } else {
        futures::future::Either::Right(execute.instrument(span))
    }
}

/// progenitor's hooks, left at its defaults: nothing calls them, because codegen rewrites the
/// generated operations to call [`send`] instead, which does what the hooks did (generated code
/// still requires the impl).
impl ClientHooks<Transport> for Client {}

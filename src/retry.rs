//! Retry policy, as data, and the one retry engine that applies it.
//!
//! The same engine ([`Retrier`]) drives every SMAPI request (in [`crate::transport`]), the
//! wrapper's re-sending of a read whose success body does not decode ([`resend_undecodable`];
//! the transport never parses a body just to check it, so the one decode into the response
//! type is where a malformed body shows), and every Login with Amazon token request (in
//! [`crate::auth`]). Each failed attempt is first judged by
//! what it says about the server ([`AttemptOutcome`]):
//! - **not sent**: the connection could not be opened;
//! - **not processed**: the server answered `429` or `503` (the policy's
//!   [`retry_statuses`](RetryPolicy::retry_statuses));
//! - **maybe processed**: `500`, `502`, `504`, a connection reset or timeout after the request
//!   went out, a body that broke off or does not parse.
//!
//! Then:
//! - "not sent" and "not processed" are retried for every operation, creates included;
//! - "maybe processed" is retried only for operations the spec marks safe to repeat (the
//!   generated operations table: GET, PUT and DELETE, and POSTs with `x-idempotent: true`);
//!   a create (`createSkillForVendor`, `createDiscoverySession`) is not, unless
//!   [`RetryPolicy::retry_unsafe`] opts in: a retry must never create a second skill;
//! - waits grow exponentially with full jitter; a `Retry-After` header (seconds or HTTP date)
//!   is honoured instead of the back-off, up to [`max_retry_after`](RetryPolicy::max_retry_after);
//! - at most [`max_attempts`](RetryPolicy::max_attempts) attempts, and no wait that would end
//!   after [`max_elapsed`](RetryPolicy::max_elapsed).
//!
//! Whether an earlier attempt may have been processed is reported with the response
//! ([`crate::transport::MAYBE_APPLIED_HEADER`]), so the handlers can tell the caller what a
//! write really did (see [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown)).
//!
//! The back-off sequence comes from `backon`'s exponential builder (capped, growing by
//! `factor`); each delay is then drawn uniformly from `[0, delay]` ("full jitter"). `backon`'s
//! own jitter adds up to one extra delay (`[d, 2d)`), which is not full jitter, so it is not
//! used.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};

/// How requests are retried. Cheap to clone; every field is public and documented.
///
/// ```
/// use std::time::Duration;
/// use alexa_smapi::RetryPolicy;
/// let policy = RetryPolicy::default()
///     .max_attempts(3)
///     .max_elapsed(Duration::from_secs(10))
///     .initial_backoff(Duration::from_millis(50));
/// assert_eq!(policy.max_attempts, 3);
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Most attempts per request, the first included (1 = never retry).
    pub max_attempts: u32,
    /// No retry is started if its wait would end later than this after the first attempt.
    pub max_elapsed: Duration,
    /// First back-off delay (before jitter).
    pub initial_backoff: Duration,
    /// Largest back-off delay (before jitter).
    pub max_backoff: Duration,
    /// Growth factor of the back-off.
    pub factor: f32,
    /// Largest `Retry-After` honoured; a longer one ends the retries (the error carries it).
    pub max_retry_after: Duration,
    /// Statuses that mean "the server did not process the request": retried for every
    /// operation, creates included.
    pub retry_statuses: Vec<u16>,
    /// Statuses after which the request may have been processed: retried only for operations
    /// that are safe to repeat.
    pub retry_statuses_if_idempotent: Vec<u16>,
    /// Retry transport failures (connection, timeout, truncated body).
    pub retry_transport_errors: bool,
    /// Also retry creates whose request may have reached the server. Off by default: such a
    /// retry can create a second skill.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            max_elapsed: Duration::from_secs(60),
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            factor: 2.0,
            max_retry_after: Duration::from_secs(60),
            retry_statuses: vec![429, 503],
            retry_statuses_if_idempotent: vec![500, 502, 504],
            retry_transport_errors: true,
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`max_attempts`](RetryPolicy::max_attempts) (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets [`max_elapsed`](RetryPolicy::max_elapsed).
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Sets [`initial_backoff`](RetryPolicy::initial_backoff).
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets [`max_backoff`](RetryPolicy::max_backoff).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets [`max_retry_after`](RetryPolicy::max_retry_after).
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Opts in to retrying creates after failures where the request may have been processed
    /// (500, timeouts, resets after sending). Only sensible when duplicates are detected
    /// elsewhere.
    pub fn retry_unsafe(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The back-off delays, full jitter applied, one per retry.
    pub fn delays(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(self.factor.max(1.0))
            .without_max_times()
            .build()
            .map(|d| d.mul_f64(fastrand::f64()))
    }

    /// Whether a response with `status` should be retried for an operation that is
    /// (`idempotent`) or is not safe to repeat.
    pub fn retries_status(&self, status: u16, idempotent: bool) -> bool {
        self.status_outcome(status)
            .is_some_and(|outcome| self.retries(outcome, idempotent))
    }

    /// Whether a transport failure should be retried. `before_sending` is true when the
    /// request certainly never left (the connection could not be opened).
    pub fn retries_transport(&self, idempotent: bool, before_sending: bool) -> bool {
        let outcome = if before_sending {
            AttemptOutcome::NotSent
        } else {
            AttemptOutcome::MaybeProcessed
        };
        self.retry_transport_errors && self.retries(outcome, idempotent)
    }

    /// What an error status says about the request, or `None` when the status is final.
    pub fn status_outcome(&self, status: u16) -> Option<AttemptOutcome> {
        if self.retry_statuses.contains(&status) {
            Some(AttemptOutcome::NotProcessed)
        } else if self.retry_statuses_if_idempotent.contains(&status) {
            Some(AttemptOutcome::MaybeProcessed)
        } else {
            None
        }
    }

    /// Whether a failed attempt with `outcome` is retried for an operation that is
    /// (`idempotent`) or is not safe to repeat.
    pub fn retries(&self, outcome: AttemptOutcome, idempotent: bool) -> bool {
        match outcome {
            AttemptOutcome::NotSent | AttemptOutcome::NotProcessed => true,
            AttemptOutcome::MaybeProcessed => idempotent || self.retry_non_idempotent,
        }
    }
}

/// What a failed attempt says about whether the server processed the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The request certainly did not reach the server (the connection could not be opened).
    NotSent,
    /// The server said it did not process the request (`429`, `503`).
    NotProcessed,
    /// The server may have processed the request: `500`, `502`, `504`, a reset or timeout
    /// after sending, a body that broke off or does not parse.
    MaybeProcessed,
}

/// The retry engine: counts attempts and hands out the wait before the next one, or `None`
/// when the policy says stop. Used for SMAPI requests and LWA token requests alike.
///
/// The back-off sequence is only built (and boxed) when a first retry needs it: most requests
/// never retry, and every request's future carries its engine.
pub(crate) struct Retrier<'p> {
    policy: &'p RetryPolicy,
    started: std::time::Instant,
    delays: Option<Box<dyn Iterator<Item = Duration> + Send>>,
    attempt: u32,
}

impl<'p> Retrier<'p> {
    /// A fresh engine for one request.
    pub(crate) fn new(policy: &'p RetryPolicy) -> Retrier<'p> {
        Retrier {
            policy,
            started: std::time::Instant::now(),
            delays: None,
            attempt: 0,
        }
    }

    fn next_delay(&mut self) -> Option<Duration> {
        let policy = self.policy;
        self.delays
            .get_or_insert_with(|| Box::new(policy.delays()))
            .next()
    }

    /// Starts the next attempt; returns its number (1 for the first).
    pub(crate) fn begin(&mut self) -> u32 {
        self.attempt += 1;
        self.attempt
    }

    /// Time since the first attempt started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// After a failed attempt: the wait before the next one, or `None` to stop. The policy
    /// decides from `outcome` and `idempotent`; `retry_after` (the server's `Retry-After`)
    /// replaces the back-off when present.
    pub(crate) fn next_wait(
        &mut self,
        outcome: AttemptOutcome,
        idempotent: bool,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if !self.policy.retries(outcome, idempotent) || self.attempt >= self.policy.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(d) if d > self.policy.max_retry_after => return None,
            Some(d) => {
                // Keep the back-off sequence moving even when the server chose the delay.
                let _ = self.next_delay();
                d
            }
            None => self.next_delay()?,
        };
        (self.started.elapsed() + delay <= self.policy.max_elapsed).then_some(delay)
    }
}

/// Sends a request (`send` builds and sends it afresh each time) and, for an operation the
/// spec marks safe to repeat, sends it again through the policy while the answer is one whose
/// body broke off while it was read or does not decode into the response type (cut short or
/// garbled on the way: the server may have processed the request, so "maybe processed"). An operation not safe to
/// repeat gets its first answer, whatever it is. `operation_id` is the spec's `operationId`.
pub(crate) async fn resend_undecodable<T, E, F, Fut>(
    policy: &RetryPolicy,
    operation_id: &str,
    mut send: F,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
{
    // The common case costs one send and nothing else; the engine is only set up once a body
    // failed. The first answer (a decoded body can be kilobytes) lives only inside the block:
    // a local still in scope at the later await would be laid out in this future's state,
    // making every caller's future (and each move of it) that much larger.
    let again = {
        let first = send().await;
        if !unreadable(&first) {
            return first;
        }
        Box::pin(send_again(policy, operation_id, send, first))
    };
    again.await
}

async fn send_again<T, E, F, Fut>(
    policy: &RetryPolicy,
    operation_id: &str,
    mut send: F,
    mut answer: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        >,
{
    let idempotent = crate::generated::operations::ALL
        .iter()
        .any(|op| op.id == operation_id && op.idempotent);
    if !idempotent {
        return answer;
    }
    let mut retrier = Retrier::new(policy);
    let mut attempt = retrier.begin();
    loop {
        let Some(delay) = retrier.next_wait(AttemptOutcome::MaybeProcessed, true, None) else {
            return answer;
        };
        let error = match &answer {
            Err(progenitor_client::Error::InvalidResponsePayload(_, e)) => e.to_string(),
            Err(progenitor_client::Error::ResponseBodyError(e)) => e.to_string(),
            _ => String::new(),
        };
        tracing::debug!(
            operation = operation_id,
            attempt,
            %error,
            "response body broke off or does not decode; sending again"
        );
        tokio::time::sleep(delay).await;
        attempt = retrier.begin();
        answer = Box::pin(send()).await;
        if !unreadable(&answer) {
            return answer;
        }
    }
}

/// The slow path of [`resend_undecodable`] for a caller that sent once itself and got
/// `error`, an [`unreadable_error`]: boxed, so the caller's future does not carry it.
pub(crate) fn resend_after<'a, T, E, F, Fut>(
    policy: &'a RetryPolicy,
    operation_id: &'a str,
    send: F,
    error: progenitor_client::Error<E>,
) -> futures::future::BoxFuture<
    'a,
    Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut() -> Fut + Send + 'a,
    Fut: std::future::Future<
            Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
        > + Send
        + 'a,
{
    Box::pin(send_again(policy, operation_id, send, Err(error)))
}

/// An error that says the body broke off while it was read, or does not decode.
pub(crate) fn unreadable_error<E>(error: &progenitor_client::Error<E>) -> bool {
    matches!(
        error,
        progenitor_client::Error::InvalidResponsePayload(..)
            | progenitor_client::Error::ResponseBodyError(_)
    )
}

/// An answer whose body broke off while it was read, or does not decode.
fn unreadable<T, E>(
    answer: &Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
) -> bool {
    matches!(
        answer,
        Err(progenitor_client::Error::InvalidResponsePayload(..)
            | progenitor_client::Error::ResponseBodyError(_))
    )
}

/// Parses a `Retry-After` value: delay in seconds, or an HTTP date (a date in the past gives
/// zero).
///
/// ```
/// use std::time::Duration;
/// use alexa_smapi::retry::parse_retry_after;
/// assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("soon"), None);
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether an operation (named as progenitor reports it, in snake case) is safe to repeat
/// after an unclear outcome, as the spec says (`x-idempotent`, or the method's nature), read
/// from the table generated from the spec. The two creates are not: a repeat may create a
/// duplicate. An unknown name is treated as unsafe.
pub(crate) fn is_idempotent(operation_id: &str) -> bool {
    crate::generated::operations::by_progenitor_id(operation_id).is_some_and(|op| op.idempotent)
}

/// The `Retry-After` of a response, parsed.
pub(crate) fn retry_after_of(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

#[cfg(test)]
mod idempotency_tests {
    use super::is_idempotent;

    #[test]
    fn creates_are_unsafe_to_repeat_and_everything_else_is_safe() {
        for op in crate::generated::operations::ALL {
            let expected = !matches!(op.id, "createSkillForVendor" | "createDiscoverySession");
            assert_eq!(is_idempotent(op.progenitor_id), expected, "{}", op.id);
        }
        assert_eq!(crate::generated::operations::ALL.len(), 12);
        assert!(!is_idempotent("not_an_operation"));
    }
}

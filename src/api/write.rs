//! What a failed write really did: the judgement every write handler makes before it answers.
//!
//! The transport retries as the [`RetryPolicy`](crate::RetryPolicy) allows and reports, with
//! the final answer, whether an earlier attempt may have been processed
//! ([`MAYBE_APPLIED_HEADER`](crate::transport::MAYBE_APPLIED_HEADER)). A failure "may have
//! applied" when that header is present, or when the last attempt itself ended in a way that
//! does not say whether the server processed it: a 5xx other than 503, a reset or timeout after
//! sending, a body cut off, or a success whose body could not be read. The handlers then read
//! the current state where that settles it (update, modify, delete), and otherwise answer
//! [`Error::OutcomeUnknown`] (create, create session, publish, unpublish).

use progenitor_client::Error as Raw;
use reqwest::header::HeaderMap;

use crate::Error;

/// Whether an earlier attempt of this request may have been processed, as the transport
/// reported it.
pub(crate) fn earlier_may_have_applied(headers: &HeaderMap) -> bool {
    headers.contains_key(crate::transport::MAYBE_APPLIED_HEADER)
}

/// A 5xx after which the server may have processed the request (503 says it did not).
fn status_may_have_applied(status: u16) -> bool {
    status >= 500 && status != 503
}

/// The status and headers of an error answer, if the server answered.
pub(crate) fn answer<E>(error: &Raw<E>) -> Option<(u16, &HeaderMap)> {
    match error {
        Raw::ErrorResponse(rv) => Some((rv.status().as_u16(), rv.headers())),
        Raw::UnexpectedResponse(r) => Some((r.status().as_u16(), r.headers())),
        _ => None,
    }
}

/// Whether an earlier attempt may have been processed (only an answered request carries the
/// transport's report; a transport failure reports the ambiguous attempt itself).
pub(crate) fn earlier<E>(error: &Raw<E>) -> bool {
    answer(error).is_some_and(|(_, h)| earlier_may_have_applied(h))
}

/// Whether the failed request may have been processed by the server (see the module docs).
pub(crate) fn may_have_applied<E>(error: &Raw<E>) -> bool {
    match error {
        Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e) => {
            !e.is_connect()
        }
        Raw::ErrorResponse(_) | Raw::UnexpectedResponse(_) => {
            answer(error).is_some_and(|(status, headers)| {
                status_may_have_applied(status) || earlier_may_have_applied(headers)
            })
        }
        Raw::InvalidResponsePayload(..) => true,
        Raw::InvalidRequest(_) | Raw::Custom(_) => false,
    }
}

/// [`Error::OutcomeUnknown`] for `error`, with what the caller can do.
pub(crate) async fn unknown<E: crate::ErrorBody>(
    operation: &'static str,
    error: Raw<E>,
    advice: &'static str,
) -> Error {
    let reason = Box::pin(Error::from_generated(operation, error))
        .await
        .to_string();
    Error::OutcomeUnknown {
        operation,
        reason,
        advice,
    }
}

/// The answer of a write that cannot be settled by reading state: the mapped error, or
/// [`Error::OutcomeUnknown`] when the write may have been applied.
pub(crate) async fn settle<E: crate::ErrorBody>(
    operation: &'static str,
    error: Raw<E>,
    advice: &'static str,
) -> Error {
    if may_have_applied(&error) {
        unknown(operation, error, advice).await
    } else {
        Box::pin(Error::from_generated(operation, error)).await
    }
}

/// Advice for a create whose outcome is unknown.
pub(crate) const CREATE_ADVICE: &str = "the skill may exist: list the vendor's skills (listSkillsForVendor) and look for this manifest before creating again, or a second create may make a duplicate";
/// Advice for a discovery session create whose outcome is unknown.
pub(crate) const SESSION_ADVICE: &str = "a session may have started: look for it before creating another (the service gives no way to list sessions, so a new session is the only safe retry when a duplicate is harmless)";
/// Advice for a delete whose outcome is unknown.
pub(crate) const DELETE_ADVICE: &str = "read the skill (getSkillManifest or getSkillStatus): 404 means it is deleted; deleting again is safe";
/// Advice for an update whose outcome is unknown.
pub(crate) const UPDATE_ADVICE: &str =
    "read the manifest (getSkillManifest) and compare it with what you sent before writing again";
/// Advice for a publish or unpublish whose outcome is unknown.
pub(crate) const PUBLISH_ADVICE: &str =
    "read the publication (getSkillPublication) before submitting again";

/// The answer of a repeatable POST (publish, unpublish) that failed: when an attempt may have
/// been applied, a later refusal (a 4xx) may be the server answering our own earlier attempt,
/// so both are [`Error::OutcomeUnknown`].
pub(crate) async fn settle_repeatable<E: crate::ErrorBody>(
    operation: &'static str,
    error: Raw<E>,
) -> Error {
    let refused_after_unclear = earlier(&error)
        && answer(&error).is_some_and(|(s, _)| (400..500).contains(&s) && s != 429 && s != 401);
    if refused_after_unclear || may_have_applied(&error) {
        unknown(operation, error, PUBLISH_ADVICE).await
    } else {
        Box::pin(Error::from_generated(operation, error)).await
    }
}

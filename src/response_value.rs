//! How the generated operations turn a response into a [`ResponseValue`].
//!
//! progenitor's generated code calls `ResponseValue::from_response` (JSON bodies) and
//! `ResponseValue::empty` (no body); both copy the response's header map (allocations, and a
//! hash per header) and then drop the response with the original. codegen rewrites those calls
//! into the functions here, which do the same with the header map moved out of the response:
//! same results, same errors (`ResponseBodyError` when the body breaks off,
//! `InvalidResponsePayload` with the body when it does not decode).
//!
//! `json` and `bytes` each read the head and body themselves rather than through a shared
//! `async fn`: that extra layer made every read's future 56 bytes larger and cost about 200
//! instructions per request (callgrind, `getSkillManifest` through the wrapper).

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// The response's status, headers (moved, not copied) and body, decoded from JSON into `T`.
pub(crate) async fn json<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// The response's status and headers (moved, not copied), for an operation without a body.
pub(crate) fn empty(mut response: reqwest::Response) -> ResponseValue<()> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    ResponseValue::new((), status, headers)
}

/// The response's status, headers (moved, not copied) and body, read but not decoded: for
/// the generated `send_bytes` (codegen's `undecoded_sends`), whose caller decodes the body
/// where it builds its answer, so a large decoded value is not copied through each layer.
pub(crate) async fn bytes<E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<bytes::Bytes>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    Ok(ResponseValue::new(full, status, headers))
}

/// What the generated `send` returns, from what `send_bytes` returned: the body decoded from
/// JSON (boxed: this serves the resend path, whose futures should stay small), and
/// `InvalidResponsePayload` with the body when it does not decode.
#[allow(
    clippy::result_large_err,
    reason = "the error is progenitor's, as the generated `send` returns it"
)]
pub(crate) fn decoded<T: DeserializeOwned, E>(
    answer: ResponseValue<bytes::Bytes>,
) -> Result<ResponseValue<Box<T>>, Error<E>> {
    let (status, headers) = (answer.status(), answer.headers().clone());
    let body = answer.into_inner();
    match serde_json::from_slice(&body) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(e) => Err(Error::InvalidResponsePayload(body, e)),
    }
}

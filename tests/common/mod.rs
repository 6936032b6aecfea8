//! Shared pieces of the wire tests: how a test client is built, what the spec documents for an
//! operation (examples and error statuses, read from `openapi/smapi.yaml` itself so tests and
//! spec cannot drift), and assertions on what the mock server received.
//!
//! Each `tests/wire_*.rs` binary uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::sync::OnceLock;

use alexa_smapi::RetryPolicy;
use alexa_smapi::generated::Client;
use alexa_smapi::transport::Transport;
use progenitor_client::{Error, ResponseValue};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The access token every test client sends.
pub const TOKEN: &str = "Atza|wire-test-access-token";
/// A skill ID of the documented shape (from the pages' examples).
pub const SKILL_ID: &str = "amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb";
/// A vendor ID of the documented shape (from the pages' examples).
pub const VENDOR_ID: &str = "MT25O3ZVSAXZOAX";

// ---------------------------------------------------------------------------------------------
// Client construction: the only place the tests touch `Transport`.
// ---------------------------------------------------------------------------------------------

/// A `reqwest` client builder that can be built: the crate enables reqwest's
/// `rustls-no-provider`, so a process-wide rustls provider (ring, the one TLS stack the crate
/// allows) must be installed first, or building any `reqwest::Client` panics.
pub fn http_builder() -> reqwest::ClientBuilder {
    // Err means another test already installed it; either way a provider is in place.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// The generated client, talking to `base_url` through `http`, authorised with [`TOKEN`].
///
/// Retries are off: these tests pin down what one call puts on the wire and how one response
/// decodes, so every call must produce exactly one request.
pub fn client_with(base_url: &str, http: reqwest::Client) -> Client {
    let transport = Transport::with_access_token(TOKEN).with_retry_policy(RetryPolicy::none());
    Client::new_with_client(base_url, http, transport)
}

/// The generated client pointed at `server` (loopback), with a default `reqwest::Client`.
pub fn client(server: &MockServer) -> Client {
    client_with(
        &server.uri(),
        http_builder().build().expect("reqwest client builds"),
    )
}

// ---------------------------------------------------------------------------------------------
// The spec, as data.
// ---------------------------------------------------------------------------------------------

/// `openapi/smapi.yaml` (the copy compiled into the crate) as a JSON value.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        serde_norway::from_str(alexa_smapi::spec::YAML).expect("the embedded spec is valid YAML")
    })
}

/// Follows a local `$ref` (`#/components/...`) if `value` is one; otherwise returns `value`.
fn resolve(value: &'static Value) -> &'static Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("non-local $ref {reference}"));
            resolve(
                spec()
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {reference}")),
            )
        }
        None => value,
    }
}

/// The operation object whose `operationId` is `operation_id`.
pub fn operation(operation_id: &str) -> &'static Value {
    let paths = spec()["paths"].as_object().expect("paths is a map");
    paths
        .values()
        .flat_map(|item| item.as_object().expect("path item is a map").values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
        .unwrap_or_else(|| panic!("no operation {operation_id} in the spec"))
}

/// The request body example the spec gives for `operation_id`.
pub fn request_example(operation_id: &str) -> Value {
    operation(operation_id)["requestBody"]["content"]["application/json"]["example"].clone()
}

/// The request body example the spec gives for `operation_id`, decoded as the typed body `T`.
pub fn typed_request_example<T: DeserializeOwned>(operation_id: &str) -> T {
    serde_json::from_value(request_example(operation_id)).unwrap_or_else(|e| {
        panic!("the spec's {operation_id} request example does not decode: {e}")
    })
}

/// The response object the spec documents for `status` of `operation_id` (refs followed).
pub fn response(operation_id: &str, status: u16) -> &'static Value {
    resolve(
        operation(operation_id)["responses"]
            .get(status.to_string())
            .unwrap_or_else(|| panic!("{operation_id} documents no {status}")),
    )
}

/// The example body the spec gives for `status` of `operation_id` in `media_type`.
pub fn response_example(operation_id: &str, status: u16, media_type: &str) -> Value {
    let example = &response(operation_id, status)["content"][media_type]["example"];
    assert!(
        !example.is_null(),
        "{operation_id} {status} has no {media_type} example"
    );
    example.clone()
}

/// Every 4xx/5xx status the spec documents for `operation_id`, ascending.
pub fn documented_error_statuses(operation_id: &str) -> Vec<u16> {
    let mut statuses: Vec<u16> = operation(operation_id)["responses"]
        .as_object()
        .expect("responses is a map")
        .keys()
        .filter_map(|k| k.parse::<u16>().ok())
        .filter(|s| *s >= 400)
        .collect();
    statuses.sort_unstable();
    statuses
}

// ---------------------------------------------------------------------------------------------
// What the mock serves.
// ---------------------------------------------------------------------------------------------

/// A JSON response with `status` and `body`.
pub fn json_response(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        serde_json::to_vec(body).expect("JSON value serialises"),
        "application/json",
    )
}

/// The spec's `application/json` example for `status` of `operation_id`, served with `status`.
pub fn spec_example(operation_id: &str, status: u16) -> ResponseTemplate {
    json_response(
        status,
        &response_example(operation_id, status, "application/json"),
    )
}

/// Mounts on `server` a mock answering `http_method` requests to exactly `url_path` with
/// `response`.
pub async fn mount(
    server: &MockServer,
    http_method: &str,
    url_path: impl Into<String>,
    response: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .and(path(url_path))
        .respond_with(response)
        .mount(server)
        .await;
}

/// A new mock server on loopback answering `http_method` requests to exactly `url_path` with
/// `response` (anything else gets wiremock's 404).
pub async fn serve(
    http_method: &str,
    url_path: impl Into<String>,
    response: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    mount(&server, http_method, url_path, response).await;
    server
}

/// A new mock server on loopback answering every `http_method` request, whatever its path,
/// with `response`.
pub async fn serve_any_path(http_method: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

// ---------------------------------------------------------------------------------------------
// What the mock received.
// ---------------------------------------------------------------------------------------------

/// Every request `server` received, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request `server` received; fails if it received none or more than one.
pub async fn single_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {}: {requests:?}",
        requests.len()
    );
    requests.remove(0)
}

/// Asserts that `server` received no request at all.
pub async fn assert_nothing_received(server: &MockServer) {
    let requests = received(server).await;
    assert!(
        requests.is_empty(),
        "the mock received {} request(s)",
        requests.len()
    );
}

/// Asserts the request line: the method, the path as received (percent-encoding included) and
/// the raw query string (`None`: the URL has no `?`).
#[track_caller]
pub fn assert_request_line(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method, "request method");
    assert_eq!(request.url.path(), path, "request path");
    assert_eq!(raw_query(request).as_deref(), query, "raw query");
}

/// The value of header `name`, which must occur exactly once.
pub fn header(request: &Request, name: &str) -> String {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    assert_eq!(values.len(), 1, "header {name}: {values:?}");
    values[0]
        .to_str()
        .expect("header value is visible ASCII")
        .to_owned()
}

/// Asserts what every SMAPI request must carry: `Authorization: Bearer <TOKEN>`, the given
/// `Accept`, and no `api-version` header (progenitor adds one; SMAPI defines none).
pub fn assert_standard_headers(request: &Request, accept: &str) {
    assert_eq!(header(request, "authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header(request, "accept"), accept);
    assert!(
        request.headers.get("api-version").is_none(),
        "api-version header was sent: {:?}",
        request.headers
    );
}

/// The raw query string (`None` when the URL has no `?`).
pub fn raw_query(request: &Request) -> Option<String> {
    request.url.query().map(str::to_owned)
}

/// `(name, value)` pairs as owned strings, to compare with [`query_pairs`].
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The query as decoded pairs, in the order sent.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The request body parsed as JSON, with `Content-Type: application/json` checked.
pub fn json_body(request: &Request) -> Value {
    assert_eq!(header(request, "content-type"), "application/json");
    serde_json::from_slice(&request.body).unwrap_or_else(|e| {
        panic!(
            "body is not JSON ({e}): {}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

/// Asserts that the request carried no body at all.
pub fn assert_no_body(request: &Request) {
    assert!(
        request.body.is_empty(),
        "unexpected body: {}",
        String::from_utf8_lossy(&request.body)
    );
    assert!(request.headers.get("content-type").is_none());
}

/// Response header `name` as bytes (the first value), if present.
pub fn header_bytes<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a [u8]> {
    headers.get(name).map(|v| v.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Error families.
// ---------------------------------------------------------------------------------------------

/// The typed error body of a documented error response; panics on any other outcome.
pub fn expect_error_response<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> ResponseValue<E> {
    match result {
        Err(Error::ErrorResponse(value)) => value,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    }
}

/// For each status in `expected` (which must be exactly the error statuses the spec documents
/// for `operation_id`): serves the spec's example body with that status and a `Retry-After`
/// header, sends the request with `call`, and asserts that the client returns
/// `Error::ErrorResponse` with that status, the header, and a typed body that re-encodes to the
/// example exactly (so no field was lost or misnamed).
pub async fn assert_error_family<T, E>(
    operation_id: &str,
    expected: &[u16],
    call: impl AsyncFn(&Client) -> Result<ResponseValue<T>, Error<E>>,
) where
    T: std::fmt::Debug,
    E: std::fmt::Debug + serde::Serialize,
{
    assert_eq!(
        documented_error_statuses(operation_id),
        expected,
        "error statuses documented for {operation_id}"
    );
    for &status in expected {
        let server = MockServer::start().await;
        let example = response_example(operation_id, status, "application/json");
        Mock::given(any())
            .respond_with(json_response(status, &example).insert_header("Retry-After", "7"))
            .mount(&server)
            .await;
        let error = expect_error_response(call(&client(&server)).await);
        assert_eq!(error.status().as_u16(), status, "{operation_id}");
        assert_eq!(
            header_bytes(error.headers(), "retry-after"),
            Some(&b"7"[..]),
            "{operation_id} {status}"
        );
        assert_eq!(
            serde_json::to_value(error.into_inner()).expect("error body serialises"),
            example,
            "{operation_id} {status}: decoded error body differs from the spec example"
        );
        assert_eq!(received(&server).await.len(), 1, "{operation_id} {status}");
    }
}

/// A skill ID that is too long by one character (the spec allows 1 to 255).
pub fn skill_id_256() -> String {
    "a".repeat(256)
}

/// Asserts that `result` is `Error::InvalidRequest` mentioning `field`, and that `server`
/// received nothing.
pub async fn assert_rejected_before_sending<T: std::fmt::Debug, E: std::fmt::Debug>(
    server: &MockServer,
    result: Result<ResponseValue<T>, Error<E>>,
    field: &str,
) {
    match result {
        Err(Error::InvalidRequest(message)) => assert!(
            message.contains(field),
            "InvalidRequest does not name {field}: {message}"
        ),
        other => panic!("expected Error::InvalidRequest for {field}, got {other:?}"),
    }
    assert_nothing_received(server).await;
}

/// For each value in `bad`: sends a request built by `call` with that value and asserts that
/// it is rejected with `Error::InvalidRequest` naming `field` and that nothing reached the
/// server (see [`assert_rejected_before_sending`]).
pub async fn assert_each_rejected_before_sending<T, E>(
    field: &str,
    bad: impl IntoIterator<Item = String>,
    call: impl AsyncFn(&Client, &str) -> Result<ResponseValue<T>, Error<E>>,
) where
    T: std::fmt::Debug,
    E: std::fmt::Debug,
{
    let server = MockServer::start().await;
    for value in bad {
        let result = call(&client(&server), value.as_str()).await;
        assert_rejected_before_sending(&server, result, field).await;
    }
}

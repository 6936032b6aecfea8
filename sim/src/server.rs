//! The HTTP/1.1 server loop and the per-request pipeline around the router.
//!
//! Pipeline for a request the simulator classifies as an operation:
//! region prefix → count → fault plan (header, script, random) → latency → injected error
//! status or reset (before the handler: nothing stored) → bearer auth (401) → rate limit (429)
//! → route → post-faults (truncate, malformed, applied-then-500/reset/truncate: the handler
//! ran, a write is stored) → recorder → one `tracing` line.
//!
//! The loop is hand-written (hyper's HTTP/1 connection builder) rather than `axum::serve` so
//! that an injected reset can close the connection without writing any response.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::auth;
use crate::counters::Counters;
use crate::error::{ApiError, ErrorFamily};
use crate::faults::{FAULT_HEADER, Fault};
use crate::operation::{Operation, Region, classify, strip_region_prefix};
use crate::recorder::Exchange;
use crate::request_rules::RequestParts;
use crate::sim::Sim;

/// The region a request targets, and whether it came from a path prefix (a request extension).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestRegion {
    pub region: Region,
    pub prefixed: bool,
}

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection reset injected by the simulator")]
struct InjectedReset;

/// Accepts connections until the shutdown signal, then drains them.
pub(crate) async fn serve(
    listener: TcpListener,
    sim: Arc<Sim>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        if *shutdown.borrow() {
            break;
        }
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let sim = Arc::clone(&sim);
                    let router = router.clone();
                    let mut conn_shutdown = shutdown.clone();
                    connections.spawn(async move {
                        let service = service_fn(move |req: Request<Incoming>| {
                            let sim = Arc::clone(&sim);
                            let router = router.clone();
                            async move { handle(sim, router, req).await }
                        });
                        let conn = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service);
                        let mut conn = std::pin::pin!(conn);
                        tokio::select! {
                            result = conn.as_mut() => {
                                if let Err(e) = result {
                                    tracing::debug!(error = %e, "connection closed with an error");
                                }
                            }
                            _ = conn_shutdown.changed() => {
                                conn.as_mut().graceful_shutdown();
                                let _ = conn.as_mut().await;
                            }
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(Duration::from_secs(2), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}

/// One request through the pipeline.
async fn handle(
    sim: Arc<Sim>,
    router: Router,
    req: Request<Incoming>,
) -> Result<Response<Body>, InjectedReset> {
    let started = Instant::now();
    let method = req.method().clone();
    let original = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    let (prefix, stripped) = strip_region_prefix(req.uri().path());
    let stripped = stripped.to_owned();
    let operation = classify(&method, &stripped);

    let mut req = req.map(Body::new);
    if operation == Some(Operation::LwaToken) {
        // One route serves every spelling of the token path.
        if let Ok(uri) = "/auth/o2/token".parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    } else if prefix.is_some() {
        let rewritten = match req.uri().query() {
            Some(q) => format!("{stripped}?{q}"),
            None => stripped.clone(),
        };
        if let Ok(uri) = rewritten.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let region = match prefix {
        Some(region) => RequestRegion {
            region,
            prefixed: true,
        },
        None => RequestRegion {
            region: req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map_or(Region::Na, Region::from_host),
            prefixed: false,
        },
    };
    req.extensions_mut().insert(region);

    let Some(op) = operation else {
        // Admin endpoints, unknown paths and methods: no faults, no counters, no recording.
        let response = match wrong_method(&sim, &method, &stripped) {
            Some(refusal) => refusal,
            None => route(router, req).await,
        };
        let response = json_errors(response, ErrorFamily::Smapi).await;
        log_line(
            &method,
            &original,
            response.status().as_u16(),
            started,
            None,
            None,
        );
        return Ok(response);
    };

    let (response, fault) = process(&sim, router, op, req).await;
    let outcome = finish(&sim, op, &method, &original, response, fault).await;
    let (code, label) = match (&outcome, fault) {
        (Err(_), _) => (0, Some("reset".to_owned())),
        (Ok(r), f) => (r.status().as_u16(), f.map(|f| f.to_string())),
    };
    log_line(
        &method,
        &original,
        code,
        started,
        Some(op),
        label.as_deref(),
    );
    outcome
}

async fn route(router: Router, req: Request<Body>) -> Response<Body> {
    match router.oneshot(req).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Faults before the handler, auth, rate limit, and the handler itself.
async fn process(
    sim: &Sim,
    router: Router,
    op: Operation,
    mut req: Request<Body>,
) -> (Response<Body>, Option<Fault>) {
    sim.counters.record_request(op);
    let family = op.error_family();

    let header_fault = match req.headers().get(FAULT_HEADER) {
        None => None,
        Some(value) => {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            match text.parse::<Fault>() {
                Ok(fault) => Some(fault),
                Err(e) => {
                    let err = ApiError::bad_request("INVALID_PARAMETER_VALUE", e.to_string());
                    return (err.in_family(family).into_response(), None);
                }
            }
        }
    };
    let plan = sim.faults.plan(op, header_fault);
    if plan.latency_ms > 0 || plan.fault.is_some() {
        Counters::bump(&sim.counters.faults_injected);
    }
    if plan.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(plan.latency_ms)).await;
    }
    let injected = match plan.fault {
        Some(Fault::InternalError) => {
            Some(ApiError::internal("injected fault: internal server error"))
        }
        Some(Fault::Unavailable) => {
            Some(ApiError::unavailable("injected fault: service unavailable"))
        }
        Some(Fault::TooManyRequests { retry_after_secs }) => Some(ApiError::too_many_requests(
            retry_after_secs,
            "injected fault: rate exceeded",
        )),
        _ => None,
    };
    if let Some(err) = injected {
        return (err.in_family(family).into_response(), plan.fault);
    }
    if plan.fault == Some(Fault::Reset) {
        // Closed before the handler: `finish` drops the connection, nothing is processed.
        return (Response::default(), plan.fault);
    }

    if op.requires_auth() {
        match auth::authenticate(sim, req.headers()) {
            Ok((caller, token)) => {
                if let Err(retry_after) = sim.limiter.check(&token) {
                    Counters::bump(&sim.counters.rate_limited);
                    let err = ApiError::too_many_requests(
                        retry_after,
                        "rate exceeded for this access token; retry after Retry-After seconds",
                    );
                    return (err.in_family(family).into_response(), plan.fault);
                }
                req.extensions_mut().insert(caller);
            }
            Err(err) => return (err.in_family(family).into_response(), plan.fault),
        }
    } else if op == Operation::PresignedSchema && req.headers().contains_key(header::AUTHORIZATION)
    {
        Counters::bump(&sim.counters.presigned_with_authorization);
    }

    // What the spec says the request may carry, checked before any handler sees it.
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return (
                ApiError::payload_too_large(BODY_LIMIT)
                    .in_family(family)
                    .into_response(),
                plan.fault,
            );
        }
    };
    let checked = sim.rules.check(
        op.as_str(),
        &RequestParts {
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body: &body,
        },
    );
    if let Err(err) = checked {
        return (err.in_family(family).into_response(), plan.fault);
    }
    let req = Request::from_parts(parts, Body::from(body));
    (
        json_errors(route(router, req).await, family).await,
        plan.fault,
    )
}

/// The largest request body accepted (2 MiB, as axum's default and the spec's 413 say).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A 405 in the documented error shape when the path is one the simulator serves but the
/// method is not (`Allow` lists the methods that are).
fn wrong_method(sim: &Sim, method: &axum::http::Method, path: &str) -> Option<Response<Body>> {
    let lwa = path
        .trim_end_matches('/')
        .eq_ignore_ascii_case("/auth/o2/token");
    let (allowed, family) = if lwa {
        (vec![axum::http::Method::POST], ErrorFamily::OAuth)
    } else {
        let family = if path.starts_with("/v1/discoverySessions") {
            ErrorFamily::Discovery
        } else {
            ErrorFamily::Smapi
        };
        (sim.rules.methods_for(path), family)
    };
    if allowed.is_empty() || allowed.contains(method) {
        return None;
    }
    let list = allowed
        .iter()
        .map(axum::http::Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = ApiError::method_not_allowed(format!(
        "{method} is not allowed on {path}; allowed: {list}"
    ))
    .in_family(family)
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&list) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    Some(response)
}

/// Turns an error answer that is not JSON (a rejection from the HTTP framework: a path that
/// does not decode, a body over the limit, a method the router does not serve) into the
/// documented error shape, keeping its status and its text as the message.
async fn json_errors(response: Response<Body>, family: ErrorFamily) -> Response<Body> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).into_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let mut err = match status {
        StatusCode::BAD_REQUEST => ApiError::bad_request("INVALID_REQUEST", text),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(BODY_LIMIT),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::method_not_allowed(text),
        StatusCode::NOT_FOUND => ApiError::not_found(text),
        _ => ApiError::internal(text),
    };
    err.status = status;
    let mut fixed = err.in_family(family).into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        fixed.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fixed
}

/// Applies the faults that strike once the handler has run (or drops the connection for a
/// reset), records the exchange.
async fn finish(
    sim: &Sim,
    op: Operation,
    method: &axum::http::Method,
    original: &str,
    response: Response<Body>,
    fault: Option<Fault>,
) -> Result<Response<Body>, InjectedReset> {
    let response = match fault {
        Some(Fault::Reset | Fault::AppliedThenReset) => return Err(InjectedReset),
        Some(Fault::AppliedThen500) => {
            ApiError::internal("injected fault: internal server error after processing")
                .in_family(op.error_family())
                .into_response()
        }
        _ => response,
    };
    let post_fault = matches!(
        fault,
        Some(Fault::Truncate | Fault::Malformed | Fault::AppliedThenTruncate)
    );
    let recording = sim.recorder.enabled();
    if !post_fault && !recording {
        return Ok(response);
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return Ok(
                ApiError::internal(format!("response body could not be read: {e}"))
                    .in_family(op.error_family())
                    .into_response(),
            );
        }
    };
    let (sent, response) = match fault {
        Some(Fault::Truncate | Fault::AppliedThenTruncate) => {
            let declared = bytes.len().max(16);
            let half = bytes.slice(..bytes.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
            // Let hyper flush the headers and the first half before the body fails (which
            // makes hyper close the connection mid-body).
            let first = futures_util::stream::iter([Ok::<Bytes, std::io::Error>(half.clone())]);
            let failure = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::other("injected truncation"))
            });
            let body = Body::from_stream(futures_util::StreamExt::chain(first, failure));
            (half, Response::from_parts(parts, body))
        }
        Some(Fault::Malformed) if parts.status != StatusCode::NO_CONTENT => {
            let mut broken = bytes.slice(..bytes.len() / 2).to_vec();
            broken.extend_from_slice(b"{\"malformed\": [tru");
            let broken = Bytes::from(broken);
            parts.headers.remove(header::CONTENT_LENGTH);
            if !parts.headers.contains_key(header::CONTENT_TYPE) {
                parts.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            (
                broken.clone(),
                Response::from_parts(parts, Body::from(broken)),
            )
        }
        _ => (
            bytes.clone(),
            Response::from_parts(parts, Body::from(bytes)),
        ),
    };
    if recording {
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if !response.headers().contains_key(header::CONTENT_LENGTH)
            && response.status() != StatusCode::NO_CONTENT
        {
            headers.push(("content-length".to_owned(), sent.len().to_string()));
        }
        sim.recorder.push(Exchange {
            operation: op.as_str().to_owned(),
            method: method.as_str().to_owned(),
            path: original.to_owned(),
            status: response.status().as_u16(),
            headers,
            body: sent.to_vec(),
            fault: fault.map(|f| f.to_string()),
        });
    }
    Ok(response)
}

fn log_line(
    method: &axum::http::Method,
    path: &str,
    status: u16,
    started: Instant,
    op: Option<Operation>,
    fault: Option<&str>,
) {
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // A presigned URL's query is its credential: logged without it.
    let path = match op {
        Some(Operation::PresignedSchema) => path.split('?').next().unwrap_or(path),
        _ => path,
    };
    tracing::info!(
        target: "alexa_smapi_sim::request",
        method = %method,
        path = %path,
        status,
        latency_ms = format_args!("{latency_ms:.2}"),
        operation = op.map_or("-", Operation::as_str),
        fault = fault.unwrap_or("-"),
        "request"
    );
}

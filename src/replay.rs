//! The request of each attempt of one call: what the transport's retry loop sends, and sends
//! again when the retry policy says so.
//!
//! reqwest consumes the request it sends, so whatever a retry needs has to be kept beside it:
//! - a request without a body (every read) goes out itself on the first attempt: the caller
//!   gets it back from [`Outgoing::new`] and can hand it to reqwest at once, so the retry loop
//!   never holds it. Kept for a retry are its method, URL, timeout, version and headers; the
//!   headers are held in place (their values are static or shared, so nothing is copied), and
//!   a header map is built only when a retry happens. Copying the whole request before every
//!   attempt, as this module replaces, cost three allocations per call (URL, and the header
//!   map's two tables);
//! - a request with a body is kept whole and copied for each attempt, body included (a shared
//!   buffer, not copied byte by byte);
//! - a request whose body is a stream, which cannot be sent twice, goes out once.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use smallvec::SmallVec;

/// One call's request, attempt by attempt.
pub(crate) struct Outgoing(Kind);

enum Kind {
    /// No body: sent itself on the first attempt, rebuilt from its parts for every later one.
    Bodiless(Parts),
    /// A body: kept, and copied for each attempt.
    WithBody(reqwest::Request),
}

/// What a request without a body is rebuilt from.
struct Parts {
    method: reqwest::Method,
    url: reqwest::Url,
    // Inline up to two: a read sends `Accept` and `Authorization` (a header parameter, such as
    // `Accept-Language`, moves them to the heap).
    headers: SmallVec<[(HeaderName, HeaderValue); 2]>,
    timeout: Option<Duration>,
    version: http::Version,
}

/// The request of one attempt.
pub(crate) enum Attempt {
    /// Another attempt can follow this one.
    Retryable(reqwest::Request),
    /// Its body is a stream: this attempt is the only one.
    Only(reqwest::Request),
}

impl Attempt {
    /// The request, and whether it is the only attempt (a streaming body cannot be replayed).
    pub(crate) fn into_request(self) -> (reqwest::Request, bool) {
        match self {
            Attempt::Retryable(request) => (request, false),
            Attempt::Only(request) => (request, true),
        }
    }
}

impl Outgoing {
    /// Keeps what the attempts after the first need, and returns the first attempt's request.
    pub(crate) fn new(request: reqwest::Request) -> (Self, Attempt) {
        if request.body().is_some() {
            let mut outgoing = Outgoing(Kind::WithBody(request));
            let first = outgoing.next_attempt();
            return (outgoing, first);
        }
        let again = Parts {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            timeout: request.timeout().copied(),
            version: request.version(),
        };
        (Outgoing(Kind::Bodiless(again)), Attempt::Retryable(request))
    }

    /// The request of the next attempt after the first.
    pub(crate) fn next_attempt(&mut self) -> Attempt {
        match &mut self.0 {
            Kind::Bodiless(again) => Attempt::Retryable(again.rebuild()),
            Kind::WithBody(request) => match request.try_clone() {
                Some(copy) => Attempt::Retryable(copy),
                None => {
                    // The kept request is not sent again (the caller returns after this
                    // attempt); what stays behind only keeps the method and URL.
                    let rest =
                        reqwest::Request::new(request.method().clone(), request.url().clone());
                    Attempt::Only(std::mem::replace(request, rest))
                }
            },
        }
    }

    /// The `Authorization` header the attempts carry.
    pub(crate) fn authorization(&self) -> Option<&HeaderValue> {
        match &self.0 {
            // The kept headers are the first request's, as `set_authorization` left them.
            Kind::Bodiless(again) => again
                .headers
                .iter()
                .find(|(name, _)| name == AUTHORIZATION)
                .map(|(_, value)| value),
            Kind::WithBody(request) => request.headers().get(AUTHORIZATION),
        }
    }

    /// Sends `value` as the `Authorization` header from the next attempt on (a refreshed token).
    pub(crate) fn set_authorization(&mut self, value: HeaderValue) {
        match &mut self.0 {
            Kind::Bodiless(again) => {
                again.headers.retain(|(name, _)| *name != AUTHORIZATION);
                again.headers.push((AUTHORIZATION, value));
            }
            Kind::WithBody(request) => {
                request.headers_mut().insert(AUTHORIZATION, value);
            }
        }
    }
}

impl Parts {
    /// The request again, as it was first built.
    fn rebuild(&self) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.timeout_mut() = self.timeout;
        *request.version_mut() = self.version;
        let headers = request.headers_mut();
        headers.reserve(self.headers.len());
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        request
    }
}

#[cfg(test)]
mod tests {
    use super::{Attempt, Outgoing};
    use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
    use std::time::Duration;

    fn url(path: &str) -> reqwest::Url {
        reqwest::Url::parse(&format!("http://127.0.0.1:1{path}"))
            .unwrap_or_else(|e| panic!("url: {e}"))
    }

    fn read() -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            url("/v1/skills/amzn1.ask.skill.1/stages/development/manifest"),
        );
        *request.timeout_mut() = Some(Duration::from_secs(7));
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.append("accept-language", HeaderValue::from_static("en-US"));
        headers.append("accept-language", HeaderValue::from_static("de-DE"));
        let mut bearer = HeaderValue::from_static("Bearer t1");
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        request
    }

    fn same(a: &reqwest::Request, b: &reqwest::Request) {
        assert_eq!(a.method(), b.method());
        assert_eq!(a.url(), b.url());
        assert_eq!(a.timeout(), b.timeout());
        assert_eq!(a.version(), b.version());
        assert_eq!(a.headers(), b.headers());
        let multi: Vec<_> = b.headers().get_all("accept-language").iter().collect();
        assert_eq!(multi, ["en-US", "de-DE"]);
        let auth = b.headers().get(AUTHORIZATION);
        assert!(auth.is_some_and(HeaderValue::is_sensitive));
    }

    fn retryable(attempt: Attempt) -> reqwest::Request {
        match attempt {
            Attempt::Retryable(request) => request,
            Attempt::Only(_) => panic!("a request without a stream body can be retried"),
        }
    }

    /// Every attempt of a read sends what the caller built: the first the request itself, the
    /// later ones the same method, URL, headers (every value, in order), timeout and version.
    #[test]
    fn a_read_is_sent_again_as_it_was_built() {
        let original = read();
        let (mut outgoing, first) = Outgoing::new(read());
        same(&original, &retryable(first));
        for _ in 0..3 {
            same(&original, &retryable(outgoing.next_attempt()));
        }
    }

    /// A refreshed token replaces the one sent before, on every later attempt.
    #[test]
    fn a_refreshed_token_goes_out_on_later_attempts() {
        let (mut outgoing, first) = Outgoing::new(read());
        assert_eq!(
            outgoing.authorization(),
            Some(&HeaderValue::from_static("Bearer t1"))
        );
        let _first = retryable(first);
        outgoing.set_authorization(HeaderValue::from_static("Bearer t2"));
        assert_eq!(
            outgoing.authorization(),
            Some(&HeaderValue::from_static("Bearer t2"))
        );
        for _ in 0..2 {
            let again = retryable(outgoing.next_attempt());
            let sent: Vec<_> = again.headers().get_all(AUTHORIZATION).iter().collect();
            assert_eq!(sent, ["Bearer t2"]);
        }
    }

    /// A write's body goes out with every attempt; a streamed body goes out once.
    #[test]
    fn bodies_are_sent_with_every_attempt_and_streams_once() {
        let mut write = reqwest::Request::new(reqwest::Method::PUT, url("/x"));
        *write.body_mut() = Some(reqwest::Body::from(r#"{"a":1}"#));
        let (mut outgoing, first) = Outgoing::new(write);
        let body = retryable(first)
            .body()
            .and_then(|b| b.as_bytes())
            .map(<[u8]>::to_vec);
        assert_eq!(body.as_deref(), Some(&br#"{"a":1}"#[..]));
        for _ in 0..2 {
            let sent = retryable(outgoing.next_attempt());
            let body = sent.body().and_then(|b| b.as_bytes());
            assert_eq!(body, Some(&br#"{"a":1}"#[..]));
        }

        let stream = futures::stream::iter([Ok::<_, std::io::Error>("a")]);
        let mut streamed = reqwest::Request::new(reqwest::Method::PUT, url("/x"));
        *streamed.body_mut() = Some(reqwest::Body::wrap_stream(stream));
        let (_, first) = Outgoing::new(streamed);
        assert!(matches!(first, Attempt::Only(_)));
    }
}

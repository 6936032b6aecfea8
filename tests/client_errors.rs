//! The one public `Error`: server code, message and violations kept on every status; causes
//! reachable through `source()`; a token provider's own error returned whole.

use std::error::Error as _;

use alexa_smapi::auth::{Secret, TokenProvider};
use alexa_smapi::{Error, RetryPolicy, Smapi, Stage};
use futures::future::BoxFuture;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn smapi(base_url: &str) -> Smapi {
    Smapi::builder()
        .base_url(base_url)
        .access_token("Atza|token")
        .retry_policy(RetryPolicy::default().max_attempts(1))
        .build()
        .expect("client builds")
}

async fn answering(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn not_found_precondition_and_unauthorized_keep_the_server_code_and_violations() {
    for status in [401u16, 404, 412, 400] {
        let server = answering(
            status,
            json!({
                "code": "SOME_CODE",
                "message": "the server's words",
                "violations": [{"code": "V1", "message": "first problem"}]
            }),
        )
        .await;
        let err = smapi(&server.uri())
            .skills()
            .manifest("amzn1.ask.skill.1", Stage::Development)
            .await
            .expect_err("error status");
        assert!(
            matches!(
                err,
                Error::Unauthorized { .. }
                    | Error::NotFound { .. }
                    | Error::PreconditionFailed { .. }
                    | Error::Api { .. }
            ),
            "{status}: unexpected variant {err:?}"
        );
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.code(), Some("SOME_CODE"), "{status}");
        assert_eq!(err.server_message(), Some("the server's words"));
        let violations = err.violations();
        assert_eq!(violations.len(), 1, "{status}");
        assert_eq!(violations[0].message, "first problem");
        let text = err.to_string();
        assert!(
            text.contains("SOME_CODE") && text.contains("first problem"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_connection_failure_keeps_its_cause_and_no_url() {
    // A port nothing listens on: bind, read the port, drop the listener.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let err = smapi(&format!("http://127.0.0.1:{port}"))
        .skills()
        .status("amzn1.ask.skill.1")
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.code(), None, "no server answered");
    assert_eq!(err.server_message(), None);
    assert!(err.violations().is_empty());
    assert!(err.is_retryable());
    let source = err.source().expect("a transport error has a source");
    let mut chain = vec![source.to_string()];
    let mut next = source.source();
    while let Some(s) = next {
        chain.push(s.to_string());
        next = s.source();
    }
    assert!(chain.len() >= 2, "the cause chain is kept: {chain:?}");
    for text in chain.iter().chain([&err.to_string()]) {
        assert!(!text.contains("/v1/skills"), "no URL in {text}");
    }
}

/// A provider whose configuration is broken.
struct Broken;

impl TokenProvider for Broken {
    fn token(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        Box::pin(async {
            let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
            Err(Error::Config {
                message: "token file unreadable".into(),
                source: Some(Box::new(io)),
            })
        })
    }
}

#[tokio::test]
async fn a_token_provider_error_reaches_the_caller_whole() {
    let server = answering(200, json!({})).await;
    let smapi = Smapi::builder()
        .base_url(server.uri())
        .token_provider(Broken)
        .build()
        .expect("client builds");
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.1")
        .await
        .expect_err("no token");
    let Error::Config { message, .. } = &err else {
        panic!("the provider's variant is kept, got {err:?}");
    };
    assert_eq!(message, "token file unreadable");
    let io = err
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the provider's source is kept");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing is sent without a token"
    );
}

#[tokio::test]
async fn an_undecodable_body_is_decode_with_the_json_error_as_source() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"manifest": 42}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let err = smapi(&server.uri())
        .skills()
        .manifest("amzn1.ask.skill.1", Stage::Development)
        .await
        .expect_err("wrong shape");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(
        err.source()
            .and_then(|s| s.downcast_ref::<serde_json::Error>())
            .is_some(),
        "serde_json's error is the source: {err:?}"
    );
}

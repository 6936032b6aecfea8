//! The raw client can be built and used by a dependent that never installs a TLS provider.
//!
//! The crate builds reqwest with `rustls-no-provider` (rustls with `ring`, no aws-lc), so
//! building a `reqwest::Client` panics until a rustls crypto provider is installed
//! process-wide. These tests install nothing themselves: each runs its body in a fresh child
//! process (this test binary re-executed with an exact filter), asserts that no provider is
//! installed yet, then takes one public path into the crate and sends a real request over
//! loopback to a `wiremock` server.

use std::process::Command;
use std::sync::Arc;

use alexa_smapi::auth::StaticToken;
use alexa_smapi::generated::Client;
use alexa_smapi::transport::Transport;
use alexa_smapi::{RetryPolicy, Smapi};
use rustls::crypto::CryptoProvider;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Set in the child process to the name of the test whose body it runs.
const CHILD_ENV: &str = "ALEXA_SMAPI_RAW_CLIENT_TLS_CHILD";
const SKILL_ID: &str = "amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb";
const STATUS_PATH: &str = "/v1/skills/amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb/status";
const TOKEN: &str = "Atza|raw-client-tls-token";

/// Runs `body` in a new process that runs only the test `name`; the calling test passes when
/// the child's `body` did.
fn in_fresh_process(name: &str, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(name) {
        assert!(
            CryptoProvider::get_default().is_none(),
            "a rustls provider is already installed, so this test would prove nothing"
        );
        body();
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let output = Command::new(exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD_ENV, name)
        .output()
        .expect("re-run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "child process for `{name}` failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

/// A loopback server answering the skill-status GET (with `authorization`, when given) with a
/// status whose manifest ETag is `etag`; anything else gets wiremock's 404.
async fn status_server(authorization: Option<&str>, etag: &str) -> MockServer {
    let server = MockServer::start().await;
    let mut mock = Mock::given(method("GET")).and(path(STATUS_PATH));
    if let Some(value) = authorization {
        mock = mock.and(header("authorization", value));
    }
    mock.respond_with(
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({ "manifest": { "eTag": etag } })),
    )
    .expect(1)
    .mount(&server)
    .await;
    server
}

/// Sends getSkillStatus through `raw` and returns the decoded manifest ETag.
async fn manifest_etag(raw: &Client) -> Option<String> {
    raw.get_skill_status()
        .skill_id(SKILL_ID)
        .send()
        .await
        .expect("getSkillStatus succeeds over loopback")
        .into_inner()
        .manifest
        .and_then(|m| m.e_tag)
}

/// The generated `Client::new(url, transport)`, which builds its own `reqwest::Client`, with
/// nothing installed beforehand: against Amazon's URL (construction only) and against the
/// loopback server (one real request, checked by the server).
fn generated_client_new(transport: impl Fn() -> Transport, authorization: Option<&str>) {
    let _amazon = Client::new("https://api.amazonalexa.com", transport());
    assert!(CryptoProvider::get_default().is_some());
    block_on(async {
        let server = status_server(authorization, "etag-raw-new").await;
        let raw = Client::new(&server.uri(), transport());
        assert_eq!(manifest_etag(&raw).await.as_deref(), Some("etag-raw-new"));
        server.verify().await;
    });
}

#[test]
fn generated_client_new_with_access_token_transport() {
    in_fresh_process("generated_client_new_with_access_token_transport", || {
        let bearer = format!("Bearer {TOKEN}");
        generated_client_new(
            || Transport::with_access_token(TOKEN).with_retry_policy(RetryPolicy::none()),
            Some(&bearer),
        );
    });
}

#[test]
fn generated_client_new_with_token_provider_transport() {
    in_fresh_process("generated_client_new_with_token_provider_transport", || {
        let bearer = format!("Bearer {TOKEN}");
        generated_client_new(
            || Transport::with_token_provider(Arc::new(StaticToken::new(TOKEN))),
            Some(&bearer),
        );
    });
}

#[test]
fn generated_client_new_with_unauthenticated_transport() {
    in_fresh_process(
        "generated_client_new_with_unauthenticated_transport",
        || {
            generated_client_new(Transport::unauthenticated, None);
        },
    );
}

#[test]
fn generated_client_new_with_default_transport() {
    in_fresh_process("generated_client_new_with_default_transport", || {
        generated_client_new(Transport::default, None);
    });
}

/// The public helper alone makes a buildable, working `reqwest::Client`: first a plain GET,
/// then the same client under the raw SMAPI client.
#[test]
fn http_client_builder_builds_a_working_client() {
    in_fresh_process("http_client_builder_builds_a_working_client", || {
        let http = alexa_smapi::http_client_builder()
            .user_agent("raw-client-tls-test")
            .build()
            .expect("the helper's builder builds");
        assert!(CryptoProvider::get_default().is_some());
        block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .and(path("/ping"))
                .and(header("user-agent", "raw-client-tls-test"))
                .respond_with(ResponseTemplate::new(200).set_body_string("pong"))
                .expect(1)
                .mount(&server)
                .await;
            let response = http
                .get(format!("{}/ping", server.uri()))
                .send()
                .await
                .expect("GET over loopback");
            assert_eq!(response.status(), 200);
            assert_eq!(response.text().await.expect("body"), "pong");
            server.verify().await;

            let server = status_server(Some(&format!("Bearer {TOKEN}")), "etag-helper").await;
            let raw = Client::new_with_client(
                &server.uri(),
                http,
                Transport::with_access_token(TOKEN).with_retry_policy(RetryPolicy::none()),
            );
            assert_eq!(manifest_etag(&raw).await.as_deref(), Some("etag-helper"));
            server.verify().await;
        });
    });
}

/// `Smapi::builder()` installs the provider, so a plain `reqwest::Client::new()` handed to
/// `http_client` afterwards builds, and the client works.
#[test]
fn smapi_builder_then_own_reqwest_client() {
    in_fresh_process("smapi_builder_then_own_reqwest_client", || {
        let builder = Smapi::builder();
        let http = reqwest::Client::new();
        block_on(async {
            let server = status_server(Some(&format!("Bearer {TOKEN}")), "etag-smapi").await;
            let smapi = builder
                .base_url(server.uri())
                .access_token(TOKEN)
                .retry_policy(RetryPolicy::none())
                .http_client(http)
                .build()
                .expect("builder builds");
            assert_eq!(
                manifest_etag(smapi.raw()).await.as_deref(),
                Some("etag-smapi")
            );
            server.verify().await;
        });
    });
}

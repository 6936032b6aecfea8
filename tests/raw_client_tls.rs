//! The crate installs nothing process-wide: every public path that builds a `reqwest::Client`
//! works in a process where no rustls crypto provider was ever installed, and afterwards
//! there still is none.
//!
//! The crate builds reqwest with `rustls-no-provider` (rustls with `ring`, no aws-lc) and
//! hands reqwest a preconfigured rustls `ClientConfig` naming `ring`. This file holds ONE
//! test, so its process runs nothing else: the provider state it checks is its own.

use std::sync::Arc;

use alexa_smapi::auth::StaticToken;
use alexa_smapi::generated::Client;
use alexa_smapi::transport::Transport;
use alexa_smapi::{RetryPolicy, Smapi};
use rustls::crypto::CryptoProvider;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SKILL_ID: &str = "amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb";
const STATUS_PATH: &str = "/v1/skills/amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb/status";
const TOKEN: &str = "Atza|raw-client-tls-token";

/// A loopback server answering the skill-status GET (with `authorization`, when given) with a
/// status whose manifest ETag is `etag`, exactly once.
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

#[tokio::test]
async fn every_public_path_works_without_a_process_wide_tls_provider_and_installs_none() {
    assert!(
        CryptoProvider::get_default().is_none(),
        "a rustls provider is already installed, so this test would prove nothing"
    );
    let bearer = format!("Bearer {TOKEN}");

    // The generated `Client::new`, which builds its own reqwest client, with every kind of
    // transport: against Amazon's https URL (construction) and over loopback (one request).
    type MakeTransport = fn() -> Transport;
    let transports: [(MakeTransport, Option<&str>); 4] = [
        (
            || Transport::with_access_token(TOKEN).with_retry_policy(RetryPolicy::none()),
            Some(&bearer),
        ),
        (
            || Transport::with_token_provider(Arc::new(StaticToken::new(TOKEN))),
            Some(&bearer),
        ),
        (Transport::unauthenticated, None),
        (Transport::default, None),
    ];
    for (i, (transport, authorization)) in transports.into_iter().enumerate() {
        let _amazon = Client::new("https://api.amazonalexa.com", transport());
        let etag = format!("etag-new-{i}");
        let server = status_server(authorization, &etag).await;
        let raw = Client::new(&server.uri(), transport());
        assert_eq!(manifest_etag(&raw).await, Some(etag));
        server.verify().await;
    }

    // The public builder helper, under the raw client.
    let http = alexa_smapi::http_client_builder()
        .user_agent("raw-client-tls-test")
        .build()
        .expect("the helper's builder builds");
    let server = status_server(Some(&bearer), "etag-helper").await;
    let raw = Client::new_with_client(
        &server.uri(),
        http,
        Transport::with_access_token(TOKEN).with_retry_policy(RetryPolicy::none()),
    );
    assert_eq!(manifest_etag(&raw).await.as_deref(), Some("etag-helper"));
    server.verify().await;

    // The wrapper's builder.
    let server = status_server(Some(&bearer), "etag-smapi").await;
    let smapi = Smapi::builder()
        .base_url(server.uri())
        .access_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builder builds");
    assert_eq!(
        manifest_etag(smapi.raw()).await.as_deref(),
        Some("etag-smapi")
    );
    server.verify().await;
    let _amazon = Smapi::builder()
        .access_token(TOKEN)
        .build()
        .expect("https client");

    assert!(
        CryptoProvider::get_default().is_none(),
        "the crate installed a process-wide rustls provider"
    );
}

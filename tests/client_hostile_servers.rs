//! Servers that answer the way attackers would: they echo every secret in every form, redirect
//! the token request elsewhere, send absurd token lifetimes. Nothing secret may reach an
//! error, a log line or another host, and nothing may panic. (Mock servers on loopback.)

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alexa_smapi::auth::{AskCliProfile, Secret};
use alexa_smapi::{Error, LwaCredentials, RetryPolicy, Smapi, Stage};
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "cs/Secret+with=odd&chars|42";
const REFRESH: &str = "Atzr|IwEBrefresh/token+value=";
const ACCESS: &str = "Atza|IwEBaccess/token+value=";

/// Every form a secret can take in server text.
fn every_form(secret: &str) -> Vec<String> {
    let form: String = url_encode(secret);
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_owned();
    vec![
        secret.to_owned(),
        form.clone(),
        lower_hex(&form),
        json.replace('/', "\\/"),
        secret
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    format!("\\u{:04x}", c as u32)
                }
            })
            .collect(),
        format!("Bearer {secret}"),
    ]
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `%2F` → `%2f`: the same encoding with lower-case hex digits.
fn lower_hex(form: &str) -> String {
    let mut out = String::new();
    let mut rest = form;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        out.push('%');
        out.push_str(&rest[i + 1..i + 3].to_lowercase());
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// The distinctive core of each secret: if this appears, something leaked.
fn cores() -> [&'static str; 3] {
    ["Secret+with", "IwEBrefresh", "IwEBaccess"]
}

fn assert_clean(text: &str, what: &str) {
    for core in cores() {
        assert!(!text.contains(core), "{what} leaks {core}: {text}");
    }
    for secret in [CLIENT_SECRET, REFRESH, ACCESS] {
        for form in every_form(secret) {
            assert!(
                !text.contains(&form),
                "{what} leaks a form of a secret: {text}"
            );
        }
    }
}

fn echo_text() -> String {
    echo_of(&[CLIENT_SECRET, REFRESH, ACCESS])
}

fn echo_of(secrets: &[&str]) -> String {
    let mut text = String::new();
    for secret in secrets {
        for form in every_form(secret) {
            text.push_str(&form);
            text.push(' ');
        }
    }
    text
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);
impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn creds() -> LwaCredentials {
    LwaCredentials::new("amzn1.application-oa2-client.x", CLIENT_SECRET, REFRESH)
}

fn smapi_for(smapi_url: &str, lwa_url: &str) -> Smapi {
    Smapi::builder()
        .base_url(smapi_url)
        .lwa_token_host(lwa_url)
        .lwa(creds())
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_lwa_server_that_echoes_every_secret_in_every_form_leaks_nothing() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let lwa = MockServer::start().await;
    let echo = echo_text();
    // A refusal whose description echoes everything.
    Mock::given(method("POST"))
        .and(path("/auth/o2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": "invalid_grant",
            "error_description": echo,
        })))
        .up_to_n_times(1)
        .mount(&lwa)
        .await;
    let smapi = smapi_for(&lwa.uri(), &lwa.uri());
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert_clean(&err.to_string(), "LWA refusal (Display)");
    assert_clean(&format!("{err:?}"), "LWA refusal (Debug)");

    // A 200 whose body is not a token, quoting the secrets where serde would quote them.
    let lwa = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/o2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": ACCESS,
            "expires_in": REFRESH,
            "note": CLIENT_SECRET,
        })))
        .mount(&lwa)
        .await;
    let smapi = smapi_for(&lwa.uri(), &lwa.uri());
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.x")
        .await
        .unwrap_err();
    assert_clean(&err.to_string(), "undecodable LWA 200");
    assert_clean(&format!("{err:?}"), "undecodable LWA 200 (Debug)");

    // LWA 5xx echoing everything, retried: every attempt's message is clean.
    let lwa = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/o2/token"))
        .respond_with(ResponseTemplate::new(503).set_body_string(echo_text()))
        .mount(&lwa)
        .await;
    let smapi = smapi_for(&lwa.uri(), &lwa.uri());
    let err = smapi
        .skills()
        .status("amzn1.ask.skill.x")
        .await
        .unwrap_err();
    assert_clean(&err.to_string(), "LWA 503");

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert_clean(&logged, "TRACE log");
}

#[tokio::test]
async fn a_smapi_server_that_echoes_the_bearer_token_leaks_nothing() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    for (status, p) in [
        (401u16, "/v1/skills/a/status"),
        (400, "/v1/skills/b/status"),
        (500, "/v1/skills/c/status"),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(serde_json::json!({
                    "message": format!("your token: {}", echo_of(&[ACCESS])),
                })),
            )
            .mount(&server)
            .await;
    }
    // And a plain-text body (normalised into a message by the transport).
    Mock::given(method("GET"))
        .and(path("/v1/skills/d/status"))
        .respond_with(ResponseTemplate::new(403).set_body_string(echo_of(&[ACCESS])))
        .mount(&server)
        .await;
    let smapi = Smapi::builder()
        .base_url(server.uri())
        .access_token(Secret::new(ACCESS))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    for id in ["a", "b", "c", "d"] {
        let err = smapi.skills().status(id).await.unwrap_err();
        assert_clean(&err.to_string(), id);
        assert_clean(&format!("{err:?}"), id);
        assert!(err.to_string().contains("<redacted>"), "{err}");
    }
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert_clean(&logged, "TRACE log");
}

#[tokio::test]
async fn the_token_request_never_follows_a_redirect_to_another_host() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "Atza|stolen", "expires_in": 3600
        })))
        .mount(&elsewhere)
        .await;
    for status in [301u16, 302, 303, 307, 308] {
        let lwa = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/auth/o2/token", elsewhere.uri())),
            )
            .mount(&lwa)
            .await;
        // The built-in client, and a caller's own client that follows redirects.
        let own = alexa_smapi::http_client_builder().build().unwrap();
        for smapi in [
            smapi_for(&lwa.uri(), &lwa.uri()),
            Smapi::builder()
                .base_url(lwa.uri())
                .lwa_token_host(lwa.uri())
                .lwa(creds())
                .http_client(own)
                .build()
                .unwrap(),
        ] {
            let err = smapi
                .skills()
                .status("amzn1.ask.skill.x")
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Auth { .. }), "{status}: {err:?}");
            assert_clean(&err.to_string(), "redirect error");
        }
        let received = elsewhere.received_requests().await.unwrap();
        for request in &received {
            let body = String::from_utf8_lossy(&request.body);
            assert_clean(&body, &format!("form re-sent after {status}"));
            assert!(body.is_empty(), "{status}: a body went elsewhere: {body}");
        }
    }
}

#[tokio::test]
async fn an_absurd_token_lifetime_is_clamped_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/o2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"access_token":"Atza|fine","expires_in":18446744073709551615,"token_type":"bearer"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/skills/a/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let smapi = smapi_for(&server.uri(), &server.uri());
    smapi.skills().status("a").await.unwrap();
    smapi.skills().status("a").await.unwrap();
    // Clamped to a day, the token is cached: one token request for both calls. (Unclamped,
    // "expiry minus the margin" would overflow the clock and the token would count as
    // expired on arrival, refreshed for every call. That the clamp is one day exactly is
    // proved by the unit test `auth::lwa::tests::a_lifetime_beyond_a_day_is_cached_for_a_day`.)
    let token_requests = |requests: Vec<wiremock::Request>| {
        requests
            .iter()
            .filter(|r| r.url.path() == "/auth/o2/token")
            .count()
    };
    assert_eq!(
        token_requests(server.received_requests().await.unwrap()),
        1,
        "the clamped token is cached"
    );
    // And a cached token "valid until the year 9999" from a saved profile.
    let creds = creds().with_cached_access_token(
        Secret::new("Atza|cached"),
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
    );
    let smapi = Smapi::builder()
        .base_url(server.uri())
        .lwa_token_host(server.uri())
        .lwa(creds)
        .build()
        .unwrap();
    smapi.skills().status("a").await.unwrap();
    assert_eq!(
        token_requests(server.received_requests().await.unwrap()),
        1,
        "the saved token is used, clamped, not refreshed"
    );
    let _ = Stage::Development;
}

#[test]
fn an_ask_cli_config_that_fails_to_parse_shows_no_value() {
    for text in [
        format!(r#"{{"profiles":{{"default":{{"token":"{ACCESS}"}}}}}}"#),
        format!(
            r#"{{"profiles":{{"default":{{"token":{{"access_token":"{ACCESS}","expires_at":"{REFRESH}"}}}}}}}}"#
        ),
        format!(r#"{{"profiles":{{"default":{{"token":{{"refresh_token":["{REFRESH}"]}}}}}}}}"#),
        format!(r#"{{"profiles":{{"default":{{"vendor_id":{{"x":"{CLIENT_SECRET}"}}}}}}}}"#),
    ] {
        let err = AskCliProfile::parse(&text, None).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert_clean(&err.to_string(), "ASK CLI parse error");
    }
}

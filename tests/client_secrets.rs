//! Secrets never leak: not in TRACE logs, not in Debug output, not in error text. (Alone in
//! its test binary so the captured subscriber sees every callsite.)

mod client_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use alexa_smapi::auth::Secret;
use alexa_smapi::types::{SchemaOperation, SchemaResource};
use alexa_smapi::{Error, LwaCredentials, Stage};
use alexa_smapi_sim::Fault;
use client_support::{builder, manifest, sim};
use tracing_subscriber::fmt::MakeWriter;

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

#[tokio::test]
async fn secrets_appear_in_no_trace_log_debug_output_or_error() {
    let sim = sim().await;
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();

    let client_secret = sim.client_secret().to_owned();
    let refresh = sim.default_refresh_token().unwrap().to_owned();
    let stale = "Atza|stale-token-that-gets-a-401";
    let creds = LwaCredentials::new(sim.client_id(), client_secret.as_str(), refresh.as_str())
        .with_cached_access_token(
            Secret::new(stale),
            chrono::Utc::now() + chrono::Duration::hours(1),
        );
    let smapi = builder(&sim).lwa(creds.clone()).build().unwrap();
    // 401 → refresh → replay; a create; a retried read; an error; a schema fetch.
    let id = smapi
        .skills()
        .create(manifest("secret"))
        .await
        .unwrap()
        .skill_id;
    sim.fail_next("getSkillManifest", 1, Fault::Unavailable)
        .unwrap();
    smapi
        .skills()
        .manifest(&id, Stage::Development)
        .await
        .unwrap();
    let not_found = smapi
        .skills()
        .status("amzn1.ask.skill.missing")
        .await
        .unwrap_err();
    smapi
        .resource_schema()
        .fetch(SchemaResource::Manifest, Some(SchemaOperation::CreateSkill))
        .await
        .unwrap();
    // The presigned URL's signature is a credential too: never logged.
    let location = smapi
        .resource_schema()
        .location(SchemaResource::Manifest, Some(SchemaOperation::CreateSkill))
        .await
        .unwrap();
    let signature = location
        .schema_location_url
        .split("signature=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    assert!(signature.len() >= 16, "{signature}");
    use alexa_smapi::generated::ClientInfo;
    let fresh = alexa_smapi::TokenProvider::token(smapi.raw().inner().token_provider().unwrap())
        .await
        .unwrap();
    let bad = builder(&sim)
        .lwa(LwaCredentials::new(
            sim.client_id(),
            client_secret.as_str(),
            "Atzr|definitely-wrong",
        ))
        .build()
        .unwrap();
    let auth_error = bad.skills().status(&id).await.unwrap_err();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("smapi.request"),
        "spans were logged: {}",
        &text[..text.len().min(3000)]
    );
    assert!(
        text.contains("operation=\"getSkillManifest\"")
            || text.contains("operation=getSkillManifest"),
        "{text}"
    );
    assert!(text.contains("request body"), "bodies are logged at TRACE");
    assert!(
        text.contains("attempts=2"),
        "the retried attempt is visible"
    );
    let secrets = [
        client_secret.as_str(),
        refresh.as_str(),
        stale,
        fresh.expose(),
        "Atzr|definitely-wrong",
    ];
    let debug = format!(
        "{smapi:?} {creds:?} {:?} {not_found:?} {auth_error:?} {fresh:?}",
        smapi.raw()
    );
    let errors = format!("{not_found} {auth_error}");
    let leaking: Vec<&str> = text.lines().filter(|l| l.contains(&signature)).collect();
    assert!(
        leaking.is_empty(),
        "presigned signature in TRACE log: {leaking:#?}"
    );
    for secret in secrets {
        assert!(!text.contains(secret), "secret in TRACE log: {secret}");
        assert!(!debug.contains(secret), "secret in Debug output: {secret}");
        assert!(!errors.contains(secret), "secret in error text: {secret}");
    }
    assert!(matches!(auth_error, Error::Auth { .. }));
    sim.shutdown().await.unwrap();
}

//! Configuration: environment variables, the ASK CLI's config file, URL rules, regions, the
//! raw client sharing the transport.

mod client_support;

use std::path::Path;

use alexa_smapi::auth::{AskCliProfile, Credentials, EnvCredentials};
use alexa_smapi::{Error, Region, Smapi, SmapiBuilder};
use client_support::{builder, lwa_credentials, sim};
use futures::TryStreamExt;

fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ask_cli_config.json"
);

#[test]
fn the_client_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Smapi>();
}

#[test]
fn env_credentials_follow_the_ask_cli_names() {
    let lwa = EnvCredentials::from_lookup(lookup(&[
        ("ASK_REFRESH_TOKEN", "Atzr|r"),
        ("ASK_CLIENT_ID", "amzn1.application-oa2-client.x"),
        ("ASK_CLIENT_SECRET", "s"),
        ("ASK_ACCESS_TOKEN", "Atza|ignored-when-refresh-is-set"),
        ("ASK_VENDOR_ID", "M1V"),
    ]))
    .unwrap();
    match &lwa.credentials {
        Credentials::Lwa(c) => assert_eq!(c.client_id(), "amzn1.application-oa2-client.x"),
        other => panic!("{other:?}"),
    }
    assert_eq!(lwa.vendor_id.as_deref(), Some("M1V"));

    let fixed = EnvCredentials::from_lookup(lookup(&[
        ("ASK_ACCESS_TOKEN", "Atza|a"),
        ("ASK_REFRESH_TOKEN", ""),
    ]))
    .unwrap();
    assert!(matches!(fixed.credentials, Credentials::AccessToken(ref t) if t.expose() == "Atza|a"));
    assert_eq!(fixed.vendor_id, None);

    let missing = EnvCredentials::from_lookup(lookup(&[
        ("ASK_REFRESH_TOKEN", "Atzr|r"),
        ("ASK_CLIENT_ID", "x"),
    ]))
    .unwrap_err();
    assert!(
        missing.to_string().contains("ASK_CLIENT_SECRET"),
        "{missing}"
    );
    assert!(!missing.to_string().contains("Atzr|r"));
    let none = EnvCredentials::from_lookup(lookup(&[])).unwrap_err();
    assert!(none.to_string().contains("ASK_ACCESS_TOKEN"), "{none}");
}

#[test]
fn env_overrides_set_the_base_url_and_lwa_host() {
    let smapi = SmapiBuilder::from_lookup(lookup(&[
        ("ASK_ACCESS_TOKEN", "Atza|a"),
        ("ASK_VENDOR_ID", "M1V"),
        ("ASK_SMAPI_SERVER_BASE_URL", "http://127.0.0.1:4010/"),
        ("ASK_LWA_TOKEN_HOST", "http://localhost:4011"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(smapi.base_url(), "http://127.0.0.1:4010");
    assert_eq!(smapi.vendor_id(), Some("M1V"));
    for region in Region::ALL {
        assert_eq!(
            smapi.discovery_base_url(region),
            "http://127.0.0.1:4010",
            "{region}"
        );
    }
    let defaults = Smapi::builder().unauthenticated().build().unwrap();
    assert_eq!(
        defaults.discovery_base_url(Region::Eu),
        "https://api.eu.amazonalexa.com"
    );
    assert_eq!(
        defaults.discovery_base_url(Region::Fe),
        "https://api.fe.amazonalexa.com"
    );
    assert_eq!(
        defaults.discovery_base_url(Region::Na),
        "https://api.amazonalexa.com"
    );
}

#[test]
fn plain_http_is_refused_except_to_loopback_unless_allowed() {
    for url in [
        "http://api.amazonalexa.com",
        "http://10.0.0.1:8080",
        "http://example.com",
    ] {
        let err = Smapi::builder()
            .access_token("t")
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        assert!(
            Smapi::builder()
                .access_token("t")
                .base_url(url)
                .allow_insecure_http(true)
                .build()
                .is_ok(),
            "{url}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://[::1]:1",
        "http://localhost:1",
        "https://example.com",
    ] {
        assert!(
            Smapi::builder()
                .access_token("t")
                .base_url(url)
                .build()
                .is_ok(),
            "{url}"
        );
    }
    assert!(
        Smapi::builder()
            .access_token("t")
            .lwa_token_host("http://api.amazon.com")
            .build()
            .is_err()
    );
    assert!(
        Smapi::builder()
            .access_token("t")
            .discovery_base_url(Region::Eu, "http://api.eu.amazonalexa.com")
            .build()
            .is_err()
    );
    assert!(
        Smapi::builder()
            .access_token("t")
            .base_url("ftp://x")
            .build()
            .is_err()
    );
    assert!(
        Smapi::builder()
            .access_token("t")
            .base_url("not a url")
            .build()
            .is_err()
    );
}

#[test]
fn countries_map_to_the_pages_regions() {
    for (c, r) in [
        ("CA", Region::Na),
        ("US", Region::Na),
        ("DE", Region::Eu),
        ("ES", Region::Eu),
        ("FR", Region::Eu),
        ("IT", Region::Eu),
        ("UK", Region::Eu),
        ("GB", Region::Eu),
        ("JP", Region::Fe),
        ("jp", Region::Fe),
    ] {
        assert_eq!(Region::for_country(c), Some(r), "{c}");
    }
    assert_eq!(Region::for_country("BR"), None);
}

#[test]
fn ask_cli_profiles_are_read_from_the_fixture() {
    let work = AskCliProfile::load(Path::new(FIXTURE), Some("work")).unwrap();
    assert_eq!(work.vendor_id.as_deref(), Some("M1WORKVENDOR"));
    assert!(work.has_refresh_token());
    // No LWA client: the saved (still valid) access token is used as is.
    match work.credentials(None).unwrap() {
        Credentials::AccessToken(t) => assert_eq!(t.expose(), "Atza|fixture-work-access"),
        other => panic!("{other:?}"),
    }
    // Default profile: token expired in 2020 and no client → a clear error.
    let default = AskCliProfile::load(Path::new(FIXTURE), None).unwrap();
    assert_eq!(default.name, "default");
    let err = default.credentials_with(lookup(&[])).unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(!err.to_string().contains("fixture-default-access"));
    // With the ASK CLI's own variable names for the client, it refreshes.
    let creds = default
        .credentials_with(lookup(&[
            ("ASK_LWA_CLIENT_ID", "id"),
            ("ASK_LWA_CLIENT_CONFIRMATION", "secret"),
        ]))
        .unwrap();
    assert!(matches!(creds, Credentials::Lwa(_)));
    let missing = AskCliProfile::load(Path::new(FIXTURE), Some("nope")).unwrap_err();
    assert!(missing.to_string().contains("default, work"), "{missing}");
    assert!(matches!(
        AskCliProfile::load(Path::new(FIXTURE), Some("bad name!")),
        Err(Error::Validation {
            field: "profile",
            ..
        })
    ));
    let home = AskCliProfile::default_path_with(lookup(&[("HOME", "/home/u")])).unwrap();
    assert_eq!(home, Path::new("/home/u/.ask/cli_config"));
}

#[tokio::test]
async fn an_ask_cli_login_just_works_against_the_simulator() {
    let sim = sim().await;
    let profile = AskCliProfile::load(Path::new(FIXTURE), None).unwrap();
    let creds = profile
        .credentials_with(lookup(&[
            ("ASK_CLIENT_ID", sim.client_id()),
            ("ASK_CLIENT_SECRET", sim.client_secret()),
        ]))
        .unwrap();
    let smapi = builder(&sim).credentials(creds).build().unwrap();
    let listed: Vec<_> = smapi.skills().list().stream().try_collect().await.unwrap();
    assert!(listed.is_empty());
    assert_eq!(
        sim.counters().refreshes,
        1,
        "the expired saved token was refreshed"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_raw_client_shares_auth_and_retries() {
    let sim = sim().await;
    let smapi = builder(&sim).lwa(lwa_credentials(&sim)).build().unwrap();
    sim.fail_next(
        "listSkillsForVendor",
        2,
        alexa_smapi_sim::Fault::Unavailable,
    )
    .unwrap();
    let page = smapi
        .raw()
        .list_skills_for_vendor()
        .vendor_id(sim.default_vendor_id())
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()[alexa_smapi::transport::ATTEMPTS_HEADER], "3");
    assert_eq!(sim.counters().refreshes, 1);
    let err = smapi
        .raw()
        .get_skill_status()
        .skill_id("amzn1.ask.skill.none")
        .send()
        .await
        .unwrap_err();
    let mapped = Error::from_generated("getSkillStatus", err).await;
    assert!(
        matches!(
            mapped,
            Error::NotFound { .. } | Error::Api { status: 403, .. }
        ),
        "{mapped:?}"
    );
    sim.shutdown().await.unwrap();
}

#[test]
fn a_tls_client_can_be_built_with_the_ring_provider() {
    let smapi = Smapi::builder().access_token("Atza|x").build().unwrap();
    assert!(smapi.base_url().starts_with("https://"));
}

#[test]
fn build_without_credentials_fails_early_unless_unauthenticated_is_asked_for() {
    let err = Smapi::builder()
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("no credentials"), "{err}");
    assert!(
        Smapi::builder()
            .base_url("http://127.0.0.1:1")
            .unauthenticated()
            .build()
            .is_ok()
    );
    assert!(
        Smapi::builder()
            .base_url("http://127.0.0.1:1")
            .access_token("Atza|t")
            .build()
            .is_ok()
    );
}

//! Credentials found as the ASK CLI finds them, from a fixture `~/.ask/cli_config` and the
//! ASK_* variables, proved against the simulator (which only accepts tokens it issued).

mod common;

use std::path::Path;

use common::{Sim, code, error_json, json, run, stderr};
use serde_json::json;

/// Writes `~/.ask/cli_config` as `ask configure` does.
fn write_config(home: &Path, profiles: serde_json::Value) {
    let dir = home.join(".ask");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("cli_config"),
        serde_json::to_vec_pretty(&json!({ "profiles": profiles })).unwrap(),
    )
    .unwrap();
}

fn profile(access_token: &str, expires_at: &str, vendor: &str) -> serde_json::Value {
    json!({
        "aws_profile": "__AWS_CREDENTIALS_IN_ENVIRONMENT_VARIABLE__",
        "token": {
            "access_token": access_token,
            "refresh_token": "Atzr|sim-refresh-token",
            "token_type": "bearer",
            "expires_in": 3600,
            "expires_at": expires_at
        },
        "vendor_id": vendor
    })
}

/// `smapi` with HOME holding the fixture and only the endpoint override in the environment.
fn smapi_with_home(sim: &Sim) -> assert_cmd::Command {
    let mut c = common::bare(sim.home.path());
    c.env("ASK_SMAPI_SERVER_BASE_URL", sim.handle.url())
        .env("ASK_LWA_TOKEN_HOST", sim.handle.lwa_url());
    c
}

#[test]
fn named_profile_default_profile_and_ask_default_profile() {
    let sim = Sim::start();
    let good = sim.handle.issue_access_token(sim.vendor());
    write_config(
        sim.home.path(),
        json!({
            "default": profile(&good, "2999-01-01T00:00:00.000Z", sim.vendor()),
            "work": profile(&good, "2999-01-01T00:00:00.000Z", sim.vendor()),
            "broken": profile("Atza|not-issued", "2999-01-01T00:00:00.000Z", sim.vendor()),
        }),
    );

    // The default profile, with its vendor_id.
    let mut c = smapi_with_home(&sim);
    c.args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(json(&out)["skills"].is_array());

    // --profile / -p picks another; a profile whose token the server refuses exits 9.
    let mut c = smapi_with_home(&sim);
    c.args(["-p", "work", "list-skills-for-vendor"]);
    assert_eq!(code(&run(c)), 0);
    let mut c = smapi_with_home(&sim);
    c.args(["list-skills-for-vendor", "--profile", "broken"]);
    assert_eq!(code(&run(c)), 9);

    // ASK_DEFAULT_PROFILE picks one when there is no --profile.
    let mut c = smapi_with_home(&sim);
    c.env("ASK_DEFAULT_PROFILE", "broken")
        .args(["list-skills-for-vendor"]);
    assert_eq!(code(&run(c)), 9);

    // An unknown profile: exit 9 naming the ones that exist, nothing sent.
    let before = sim.requests();
    let mut c = smapi_with_home(&sim);
    c.args(["-p", "nope", "list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 9);
    let message = error_json(&out)["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("nope") && message.contains("work"),
        "{message}"
    );
    assert_eq!(sim.requests(), before);
}

#[test]
fn environment_variables_and_their_precedence() {
    let sim = Sim::start();
    let good = sim.handle.issue_access_token(sim.vendor());
    write_config(
        sim.home.path(),
        json!({
            "default": profile("Atza|not-issued", "2999-01-01T00:00:00.000Z", sim.vendor()),
            "work": profile(&good, "2999-01-01T00:00:00.000Z", sim.vendor()),
        }),
    );

    // ASK_ACCESS_TOKEN + ASK_VENDOR_ID win over the default profile (no AWS keys needed).
    let mut c = smapi_with_home(&sim);
    c.env("ASK_ACCESS_TOKEN", &good)
        .env("ASK_VENDOR_ID", sim.vendor())
        .args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // --profile wins over the variables.
    let mut c = smapi_with_home(&sim);
    c.env("ASK_ACCESS_TOKEN", "Atza|not-issued")
        .args(["-p", "work", "list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // The ASK CLI's placeholder profile means the variables.
    let mut c = smapi_with_home(&sim);
    c.env("ASK_ACCESS_TOKEN", &good)
        .env("ASK_VENDOR_ID", sim.vendor())
        .args([
            "-p",
            "__ENVIRONMENT_ASK_PROFILE__",
            "list-skills-for-vendor",
        ]);
    assert_eq!(code(&run(c)), 0);

    // ASK_REFRESH_TOKEN with the LWA client: tokens come from LWA (the simulator's).
    let refreshes = sim.handle.counters().refreshes;
    let mut c = smapi_with_home(&sim);
    c.env(
        "ASK_REFRESH_TOKEN",
        sim.handle.default_refresh_token().unwrap(),
    )
    .env("ASK_CLIENT_ID", sim.handle.client_id())
    .env("ASK_CLIENT_SECRET", sim.handle.client_secret())
    .env("ASK_VENDOR_ID", sim.vendor())
    .args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sim.handle.counters().refreshes, refreshes + 1);

    // A refresh token without its client: exit 9, nothing sent.
    let before = sim.requests();
    let mut c = smapi_with_home(&sim);
    c.env("ASK_REFRESH_TOKEN", "Atzr|x")
        .args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert!(
        error_json(&out)["message"]
            .as_str()
            .unwrap()
            .contains("ASK_CLIENT_ID")
    );
    assert_eq!(sim.requests(), before);
}

#[test]
fn an_expired_profile_token_is_refreshed_with_the_lwa_client_or_refused() {
    let sim = Sim::start();
    write_config(
        sim.home.path(),
        json!({ "default": profile("Atza|expired", "2020-01-01T00:00:00.000Z", sim.vendor()) }),
    );

    // Without the LWA client the expired token is not even sent: exit 9.
    let mut c = smapi_with_home(&sim);
    c.args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert!(
        error_json(&out)["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    assert_eq!(sim.requests(), 0);

    // With it (the ASK CLI's variable names), the refresh token renews it.
    let mut c = smapi_with_home(&sim);
    c.env("ASK_LWA_CLIENT_ID", sim.handle.client_id())
        .env("ASK_LWA_CLIENT_CONFIRMATION", sim.handle.client_secret())
        .args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sim.handle.counters().refreshes, 1);
    // The secret never shows.
    let all = format!("{}{}", common::stdout(&out), stderr(&out));
    assert!(!all.contains(sim.handle.client_secret()));
}

#[test]
fn sim_mode_needs_no_credentials_and_keeps_state_between_commands() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Sim state");
    let mut c = common::bare(home.path());
    c.args([
        "--sim",
        "create-skill-for-vendor",
        "--output",
        "id",
        "--manifest",
    ])
    .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = common::stdout(&out).trim().to_owned();
    let mut c = common::bare(home.path());
    c.env("SMAPI_SIM", "1")
        .args(["get-skill-manifest", "-s", &id]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["manifest"]["publishingInformation"]["locales"]["en-US"]["name"],
        "Sim state"
    );
}

//! Options that only change what goes on the wire: each one is checked where it lands (a
//! header, a query parameter, a body field), by a mock SMAPI that answers only the request
//! carrying it (any other request gets the mock's 404, exit code 4), or by the simulator's
//! record of the request path.

mod common;

use common::{Sim, code, json, run, stderr};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SKILL: &str = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001";

/// `smapi` pointed at a mock server.
fn smapi_at(server: &MockServer, home: &std::path::Path) -> assert_cmd::Command {
    let mut c = common::bare(home);
    c.env("ASK_SMAPI_SERVER_BASE_URL", server.uri())
        .env("ASK_ACCESS_TOKEN", "Atza|mock")
        .env("ASK_VENDOR_ID", "M1MOCK")
        .args(["--max-attempts", "1"]);
    c
}

#[test]
fn accept_language_is_sent_by_every_publishing_command() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    let publications = format!("/v1/skills/{SKILL}/publications");
    rt.block_on(async {
        Mock::given(method("GET"))
            .and(path(format!("{publications}/~latest")))
            .and(header("accept-language", "ja-JP"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "publishesAtDate": "2026-12-03T00:00:00Z",
                "status": "SUCCEEDED"
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(&publications))
            .and(header("accept-language", "ja-JP"))
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({
                "publishesAtDate": "2026-12-03T00:00:00Z",
                "status": "IN_PROGRESS"
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/v1/skills/{SKILL}/unpublish")))
            .and(header("accept-language", "ja-JP"))
            .respond_with(ResponseTemplate::new(202))
            .mount(&server)
            .await;
    });
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["get-skill-publication", "-s", SKILL],
        vec!["publish-skill", "-s", SKILL],
        vec![
            "unpublish-skill",
            "-s",
            SKILL,
            "--type",
            "HIDE",
            "--reason",
            "Other",
        ],
    ] {
        let mut c = smapi_at(&server, home.path());
        c.args(&args).args(["--accept-language", "ja-JP"]);
        let out = run(c);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        // Without the option the header is not sent, and the mock does not answer.
        let mut c = smapi_at(&server, home.path());
        c.args(&args);
        let out = run(c);
        assert_eq!(code(&out), 4, "{args:?} without --accept-language");
    }
}

#[test]
fn hosting_options_become_the_create_body_hosting() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/v1/skills"))
            .and(body_partial_json(json!({
                "vendorId": "M1MOCK",
                "hosting": {"alexaHosted": {"runtime": "NODE_16_X", "region": "EU_WEST_1"}}
            })))
            .respond_with(ResponseTemplate::new(202).set_body_json(json!({"skillId": SKILL})))
            .mount(&server),
    );
    let home = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(home.path(), "Hosted");
    let mut c = smapi_at(&server, home.path());
    c.args(["create-skill-for-vendor", "--manifest"])
        .arg(&manifest)
        .args([
            "--hosting-runtime",
            "NODE_16_X",
            "--hosting-region",
            "EU_WEST_1",
        ]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["skillId"], SKILL);
}

#[test]
fn status_resource_filter_is_sent_as_repeated_query_parameters() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), true);
    sim.handle.set_recording(true);
    let mut c = sim.smapi();
    c.args([
        "get-skill-status",
        "-s",
        &id,
        "--resource",
        "manifest",
        "--resource",
        "interactionModel",
    ]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(json(&out)["manifest"].is_object());
    let mut c = sim.smapi();
    c.args(["get-skill-status", "-s", &id]);
    assert_eq!(code(&run(c)), 0);
    let paths: Vec<String> = sim
        .handle
        .take_exchanges()
        .into_iter()
        .filter(|e| e.operation == "getSkillStatus")
        .map(|e| e.path)
        .collect();
    assert_eq!(
        paths,
        [
            format!("/v1/skills/{id}/status?resource=manifest&resource=interactionModel"),
            format!("/v1/skills/{id}/status"),
        ]
    );
}

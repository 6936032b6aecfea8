//! One test per documented exit code, each caused the way a pipeline would meet it: by the
//! simulator's real answers and scripted faults, or by the local checks.

mod common;

use std::time::Duration;

use alexa_smapi_sim::Fault;
use common::{Sim, code, error_json, run, stderr};

const UNKNOWN_SKILL: &str = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000";

#[test]
fn exit_0_success() {
    let sim = Sim::start();
    let mut c = sim.smapi();
    c.args(["list-skills-for-vendor"]);
    assert_eq!(code(&run(c)), 0);
}

#[test]
fn exit_1_configuration() {
    let sim = Sim::start();
    let mut c = sim.smapi();
    // Tokens must not travel in clear text to a non-loopback host.
    c.env("ASK_SMAPI_SERVER_BASE_URL", "http://example.com")
        .args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(error_json(&out)["exit"], "failure");
    assert_eq!(sim.requests(), 0);
}

/// An expired download URL (asked for twice) and an answer that does not decode are exit 1
/// too; a mock SMAPI serves both.
#[test]
fn exit_1_expired_url_and_undecodable_answer() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        Mock::given(method("GET"))
            .and(path("/v1/skills/resourceSchema/manifest"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "expiryTime": "2020-10-29T06:38:35.549Z",
                "schemaLocationUrl": format!("{}/schema.json", server.uri())
            })))
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/skills/{UNKNOWN_SKILL}/status")))
            .respond_with(ResponseTemplate::new(200).set_body_string("{\"manifest\": 7}"))
            .mount(&server)
            .await;
    });
    let home = tempfile::tempdir().unwrap();
    for (args, name) in [
        (
            vec![
                "get-resource-schema",
                "--operation",
                "CREATE_SKILL",
                "--document",
            ],
            "expired",
        ),
        (vec!["get-skill-status", "-s", UNKNOWN_SKILL], "undecodable"),
    ] {
        let mut c = common::bare(home.path());
        c.env("ASK_SMAPI_SERVER_BASE_URL", server.uri())
            .env("ASK_ACCESS_TOKEN", "Atza|mock")
            .env("ASK_VENDOR_ID", "M1MOCK")
            .args(["--max-attempts", "1"])
            .args(&args);
        let out = run(c);
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        let err = error_json(&out);
        assert_eq!(err["exit"], "failure");
        assert!(
            err["message"].as_str().unwrap().contains(name),
            "{args:?}: {err}"
        );
    }
    rt.block_on(server.verify());
}

#[test]
fn exit_2_usage() {
    let sim = Sim::start();
    for args in [
        vec!["no-such-command"],
        vec!["get-skill-manifest"],
        vec!["get-skill-status", "-s", "x", "--no-such-option"],
        vec!["list-skills-for-vendor", "--all", "-s", "x"],
        vec!["--max-attempts", "0", "list-skills-for-vendor"],
    ] {
        let mut c = sim.smapi();
        c.args(&args);
        let out = run(c);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    assert_eq!(sim.requests(), 0);
}

#[test]
fn exit_3_validation_local_and_from_the_server() {
    let sim = Sim::start();
    let mut c = sim.smapi();
    c.args(["get-skill-status", "-s", ""]);
    let out = run(c);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        error_json(&out)["message"]
            .as_str()
            .unwrap()
            .contains("skillId")
    );
    assert_eq!(sim.requests(), 0);

    // A stage the spec does not know is refused locally too.
    let mut c = sim.smapi();
    c.args(["get-skill-manifest", "-s", UNKNOWN_SKILL, "-g", "staging"]);
    let out = run(c);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(sim.requests(), 0);
}

/// The simulator never answers 400 to a request the client lets through (both follow the
/// spec), so a mock server plays a SMAPI that does.
#[test]
fn server_statuses_map_to_exit_codes_with_code_message_and_violations() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Mocked");
    // A 502 on a create may have been processed: the outcome is unknown (8), not a plain
    // server error (7, as on a read).
    for (status, want) in [(400, 3), (403, 9), (409, 5), (502, 8)] {
        let server = rt.block_on(MockServer::start());
        let body = serde_json::json!({
            "code": "INVALID_MANIFEST",
            "message": format!("server says {status}"),
            "violations": [{"code": "MISSING", "message": "publishingInformation.locales.en-US.name is required"}]
        });
        rt.block_on(
            Mock::given(method("POST"))
                .and(path("/v1/skills"))
                .respond_with(ResponseTemplate::new(status).set_body_json(body))
                .mount(&server),
        );
        let home = tempfile::tempdir().unwrap();
        let mut c = common::bare(home.path());
        c.env("ASK_SMAPI_SERVER_BASE_URL", server.uri())
            .env("ASK_ACCESS_TOKEN", "Atza|mock")
            .env("ASK_VENDOR_ID", "M1MOCK")
            .args([
                "--max-attempts",
                "1",
                "create-skill-for-vendor",
                "--manifest",
            ])
            .arg(&manifest);
        let out = run(c);
        assert_eq!(code(&out), want, "HTTP {status}: {}", stderr(&out));
        let err = error_json(&out);
        assert_eq!(err["operation"], "createSkillForVendor");
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains(&format!("server says {status}")),
            "{err}"
        );
        if status == 502 {
            assert!(err["advice"].is_string(), "{err}");
            continue;
        }
        assert_eq!(err["status"], status);
        assert_eq!(err["code"], "INVALID_MANIFEST", "{err}");
        if status == 400 {
            assert_eq!(
                err["violations"][0],
                serde_json::json!({"code": "MISSING", "message": "publishingInformation.locales.en-US.name is required"}),
                "{err}"
            );
        }
        assert!(
            err["message"]
                .as_str()
                .unwrap()
                .contains(&format!("server says {status}")),
            "{err}"
        );
    }
}

#[test]
fn exit_4_not_found() {
    let sim = Sim::start();
    let mut c = sim.smapi();
    c.args(["get-skill-manifest", "-s", UNKNOWN_SKILL]);
    let out = run(c);
    assert_eq!(code(&out), 4);
    let err = error_json(&out);
    assert_eq!(err["status"], 404);
    assert_eq!(err["operation"], "getSkillManifest");
    assert!(
        err["serverMessage"]
            .as_str()
            .unwrap()
            .contains(UNKNOWN_SKILL)
    );
}

#[test]
fn exit_5_precondition_failed() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), true);
    let manifest = dir.path().join("skill.json");
    let mut c = sim.smapi();
    c.args([
        "update-skill-manifest",
        "-s",
        &id,
        "--if-match",
        "\"not-the-etag\"",
        "--manifest",
    ])
    .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(error_json(&out)["status"], 412);
    assert_eq!(sim.count("updateSkillManifest"), 1, "412 is not retried");
}

#[test]
fn exit_6_rate_limited_after_the_retries() {
    let sim = Sim::start();
    sim.handle
        .fail_next(
            "listSkillsForVendor",
            10,
            Fault::TooManyRequests {
                retry_after_secs: 0,
            },
        )
        .unwrap();
    let mut c = sim.smapi();
    c.args(["--max-attempts", "3", "list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert_eq!(error_json(&out)["status"], 429);
    assert_eq!(sim.count("listSkillsForVendor"), 3);
}

#[test]
fn a_retried_503_then_success_exits_0() {
    let sim = Sim::start();
    sim.handle
        .fail_next("getSkillStatus", 2, Fault::Unavailable)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), false);
    let mut c = sim.smapi();
    c.args(["get-skill-status", "-s", &id]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sim.count("getSkillStatus"), 3);
}

#[test]
fn exit_7_server_error() {
    let sim = Sim::start();
    sim.handle
        .fail_next("getSkillStatus", 10, Fault::InternalError)
        .unwrap();
    let mut c = sim.smapi();
    c.args([
        "--max-attempts",
        "2",
        "get-skill-status",
        "-s",
        UNKNOWN_SKILL,
    ]);
    let out = run(c);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    let err = error_json(&out);
    assert_eq!(err["status"], 500);
    assert_eq!(err["exit"], "server_error");
}

#[test]
fn exit_8_outcome_unknown_when_a_create_loses_its_answer() {
    let sim = Sim::start();
    sim.handle
        .fail_next("createSkillForVendor", 1, Fault::Reset)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Lost answer");
    let mut c = sim.smapi();
    c.args(["create-skill-for-vendor", "--manifest"])
        .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    let err = error_json(&out);
    assert_eq!(err["exit"], "outcome_unknown");
    assert!(err["advice"].is_string(), "{err}");
    assert_eq!(sim.count("createSkillForVendor"), 1, "never sent twice");
}

#[test]
fn exit_9_unauthorized() {
    let sim = Sim::start();
    let mut c = sim.smapi();
    c.env("ASK_ACCESS_TOKEN", "Atza|not-a-token-the-simulator-issued")
        .args(["list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert_eq!(error_json(&out)["status"], 401);

    // No credentials anywhere: exit 9 before any request.
    let home = tempfile::tempdir().unwrap();
    let before = sim.requests();
    let mut c = common::bare(home.path());
    c.env("ASK_SMAPI_SERVER_BASE_URL", sim.handle.url()).args([
        "list-skills-for-vendor",
        "--vendor-id",
        "M1",
    ]);
    let out = run(c);
    assert_eq!(code(&out), 9, "{}", stderr(&out));
    assert!(
        error_json(&out)["message"]
            .as_str()
            .unwrap()
            .contains("cli_config")
    );
    assert_eq!(sim.requests(), before);
}

#[test]
fn exit_10_build_failed() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    // A locale without a name: accepted, then the build FAILS.
    let manifest = dir.path().join("nameless.json");
    std::fs::write(
        &manifest,
        r#"{"manifest": {"manifestVersion": "1.0", "publishingInformation": {"locales": {"en-US": {"summary": "no name"}}}}}"#,
    )
    .unwrap();
    let mut c = sim.smapi();
    c.args(["create-skill-for-vendor", "--wait", "--manifest"])
        .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    let err = error_json(&out);
    assert_eq!(err["exit"], "work_failed");
    assert!(!err["violations"].as_array().unwrap().is_empty(), "{err}");
}

#[test]
fn exit_11_wait_timeout() {
    let sim = Sim::start_with(Duration::from_secs(30));
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Slow build");
    let mut c = sim.smapi();
    c.args([
        "create-skill-for-vendor",
        "--wait",
        "--wait-timeout",
        "0.3",
        "--manifest",
    ])
    .arg(&manifest);
    let out = run(c);
    assert_eq!(code(&out), 11, "{}", stderr(&out));
    assert_eq!(error_json(&out)["exit"], "wait_timeout");
}

#[test]
fn errors_in_text_mode_name_operation_status_and_message() {
    let sim = Sim::start();
    let mut c = sim.smapi();
    c.args(["-o", "text", "get-skill-status", "-s", UNKNOWN_SKILL]);
    let out = run(c);
    assert_eq!(code(&out), 4);
    assert!(out.stdout.is_empty());
    let text = stderr(&out);
    for needle in [
        "operation: getSkillStatus",
        "status:    404",
        "message:",
        "exit:      4 (not_found)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn secrets_never_reach_stdout_or_stderr() {
    let sim = Sim::start();
    let token = "Atza|secret-token-value-1234";
    let mut c = sim.smapi();
    c.env("ASK_ACCESS_TOKEN", token)
        .args(["--debug", "list-skills-for-vendor"]);
    let out = run(c);
    assert_eq!(code(&out), 9);
    let all = format!("{}{}", common::stdout(&out), stderr(&out));
    assert!(!all.contains("secret-token-value"), "{all}");
}

/// `smapi --help` and the README list the same exit codes, with the same first words.
#[test]
fn help_and_readme_list_the_same_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let mut c = common::bare(home.path());
    c.arg("--help");
    let help = common::stdout(&run(c));
    let from_help: Vec<(u8, String)> = help
        .lines()
        .skip_while(|l| *l != "Exit codes:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let l = l.trim();
            let (code, text) = l.split_once(' ').unwrap();
            (code.parse().unwrap(), first_word(text.trim()))
        })
        .collect();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = &readme[readme.find("**Exit codes**").expect("README exit codes")..];
    let from_readme: Vec<(u8, String)> = section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let code = cells.get(1)?.parse().ok()?;
            Some((code, first_word(cells.get(2)?)))
        })
        .collect();
    assert_eq!(from_help.len(), 12, "{help}");
    assert_eq!(
        from_help.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        (0..=11).collect::<Vec<u8>>()
    );
    assert_eq!(from_help, from_readme);
}

fn first_word(text: &str) -> String {
    text.trim_start_matches(['`', '-'])
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

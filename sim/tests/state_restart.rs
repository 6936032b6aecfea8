//! `--state FILE`: nothing is lost across a restart (library and binary).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn library_restart_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sim-state.json");

    let sim = builder().state_file(&file).start().await.unwrap();
    let api = Api::new(&sim, VENDOR);
    let published = api.create_built_skill(VENDOR, manifest("Published")).await;
    api.publish(&published).await;
    api.wait_publication(&published, "SUCCEEDED").await;
    let mut ids = vec![published.clone()];
    for i in 0..3 {
        ids.push(
            api.create_skill(VENDOR, manifest(&format!("Draft {i}")))
                .await,
        );
    }
    let session = fetch_json(api.post("/eu/v1/discoverySessions?unit=u").json(
        &json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": published } } }),
    ))
    .await;
    let session_id = session["id"].as_str().unwrap().to_owned();
    let dev_path = manifest_path(&published, "development");
    let etag = api.get_response(&dev_path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = api
        .get_json(&format!("/v1/skills?vendorId={VENDOR}&maxResults=2"))
        .await;
    let next_token = page["nextToken"].as_str().unwrap().to_owned();
    let (schema_url, token) = {
        let body = api
            .get_json(&format!(
                "/v1/skills/resourceSchema/manifest?vendorId={VENDOR}&operation=CREATE_SKILL"
            ))
            .await;
        (
            body["schemaLocationUrl"].as_str().unwrap().to_owned(),
            api.token.clone(),
        )
    };
    let old_base = sim.url().to_owned();
    sim.shutdown().await.unwrap();

    // The file is complete JSON and no temporary file is left behind.
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["skills"].as_object().unwrap().len(), 4);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("sim-state.json")]);

    let sim = builder().state_file(&file).start().await.unwrap();
    let api = Api {
        http: reqwest::Client::new(),
        base: sim.url().to_owned(),
        token,
    };
    // The access token issued before the restart still works.
    let resp = api.get_response(&dev_path).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["etag"],
        etag.as_str(),
        "same ETag after restart"
    );
    let live = api.get_status(&manifest_path(&published, "live")).await;
    assert_eq!(live, StatusCode::OK);
    let all = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    let listed: Vec<&str> = all["skills"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["stage"] == "development")
        .map(|s| s["skillId"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "same order"
    );
    // Continuation tokens and presigned URLs from before the restart stay valid.
    let next = api
        .get_status(&format!(
            "/v1/skills?vendorId={VENDOR}&maxResults=2&nextToken={next_token}"
        ))
        .await;
    assert_eq!(next, StatusCode::OK);
    // (The new process listens on another port; the signature does not cover the address.)
    let schema_url = schema_url.replace(&old_base, sim.url());
    assert_eq!(
        reqwest::get(&schema_url).await.unwrap().status(),
        StatusCode::OK
    );
    let session = api
        .get_status(&format!("/eu/v1/discoverySessions/{session_id}"))
        .await;
    assert_eq!(session, StatusCode::OK);
    // Updates with the pre-restart ETag succeed; the new skill numbering continues.
    let put = api
        .put_manifest_if_match(&dev_path, &etag, &manifest("v2"))
        .await;
    assert_eq!(put.status(), StatusCode::ACCEPTED);
    let newer = api.create_skill(VENDOR, manifest("After restart")).await;
    let all = api
        .get_json(&format!("/v1/skills?vendorId={VENDOR}&maxResults=50"))
        .await;
    let last = all["skills"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s["stage"] == "development")
        .unwrap();
    assert_eq!(last["skillId"], newer.as_str());
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn unreadable_state_file_fails_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    std::fs::write(&file, b"{ this is not state").unwrap();
    let err = builder().state_file(&file).start().await.unwrap_err();
    assert!(err.to_string().contains("broken.json"), "{err}");
    // The broken file is left alone for the user to inspect.
    assert_eq!(std::fs::read(&file).unwrap(), b"{ this is not state");
}

struct Running {
    child: Child,
    url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_binary(state: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alexa-smapi-sim"))
        .args(["--port", "0", "--build-delay-ms", "0", "--state"])
        .arg(state)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // Keep reading, so the banner's later lines never meet a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = first.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    Running { child, url }
}

#[tokio::test]
async fn binary_survives_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    init();
    let http = reqwest::Client::new();
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", alexa_smapi_sim::DEFAULT_CLIENT_ID),
        ("client_secret", alexa_smapi_sim::DEFAULT_CLIENT_SECRET),
        ("refresh_token", alexa_smapi_sim::DEFAULT_REFRESH_TOKEN),
    ];

    let first = spawn_binary(&file);
    let token = fetch_json(
        http.post(format!("{}/auth/o2/token", first.url))
            .form(&form),
    )
    .await;
    let api = Api {
        http: http.clone(),
        base: first.url.clone(),
        token: token["access_token"].as_str().unwrap().to_owned(),
    };
    let id = api.create_skill(VENDOR, manifest("Durable")).await;
    // The 202 came after the change was on disk: SIGKILL right away loses nothing.
    drop(first);

    let second = spawn_binary(&file);
    let api = Api {
        base: second.url.clone(),
        ..api
    };
    let resp = api.get_response(&manifest_path(&id, "development")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["manifest"], manifest("Durable"));
}

#[test]
fn help_explains_the_knobs() {
    let out = Command::new(env!("CARGO_BIN_EXE_alexa-smapi-sim"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--port",
        "--state",
        "--rate-limit",
        "--build-delay-ms",
        "--publication-delay-ms",
        "--discovery-delay-ms",
        "--token-ttl-secs",
        "--fault-503",
        "--fault-reset",
        "--fault-truncate",
        "--fault-malformed",
        "--fault-latency",
        "--seed",
        "--refresh-token",
        "x-sim-fault",
        "api.eu.amazonalexa.com",
        "/eu",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

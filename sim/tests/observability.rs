//! Counters, admin endpoints, reset and the exchange recorder.

mod common;

use common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn counters_by_operation_and_admin_endpoints() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_skill(VENDOR, manifest("Counted")).await;
    for _ in 0..3 {
        api.get_response(&manifest_path(&id, "development")).await;
    }
    api.get_response(&format!("/v1/skills/{id}/status")).await;
    api.get("/v1/skills/nope/status")
        .header("authorization", "Bearer bad")
        .send()
        .await
        .unwrap();

    let counters = sim.counters();
    assert_eq!(counters.operation("createSkillForVendor"), 1);
    assert_eq!(counters.operation("getSkillManifest"), 3);
    assert_eq!(
        counters.operation("getSkillStatus"),
        2,
        "rejected requests count too"
    );
    assert_eq!(counters.requests_total, 6);
    assert_eq!(counters.tokens_issued, 1);
    assert_eq!(counters.by_operation.len(), 14, "every operation listed");

    let http = reqwest::Client::new();
    let admin = fetch_json(http.get(format!("{}/_sim/counters", sim.url()))).await;
    assert_eq!(admin["byOperation"]["getSkillManifest"], 3);
    assert_eq!(admin["requestsTotal"], 6);
    assert_eq!(
        sim.counters().requests_total,
        6,
        "admin calls are not counted"
    );

    let reset = http
        .post(format!("{}/_sim/reset", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(sim.counters().requests_total, 0);
    let gone = api.get_status(&format!("/v1/skills/{id}/status")).await;
    assert_eq!(
        gone,
        StatusCode::NOT_FOUND,
        "skills cleared, token still valid"
    );

    let health = fetch_json(http.get(format!("{}/_sim/health", sim.url()))).await;
    assert_eq!(health["status"], "ok");
    let unknown = http
        .get(format!("{}/v2/whatever", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    api.create_skill(VENDOR, manifest("again")).await;
    sim.reset();
    let list = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(list["skills"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn recorder_keeps_what_was_sent() {
    let sim = builder().record_exchanges(true).start().await.unwrap();
    let api = Api::new(&sim, VENDOR);
    let id = api.create_skill(VENDOR, manifest("Recorded")).await;
    let get = api.get_response(&manifest_path(&id, "development")).await;
    let etag = get.headers()["etag"].to_str().unwrap().to_owned();
    let sent = get.bytes().await.unwrap();
    api.get(&format!("/v1/skills/{id}/status"))
        .header("x-sim-fault", "malformed")
        .send()
        .await
        .unwrap();
    api.delete(&format!("/eu/v1/skills/{id}/"))
        .send()
        .await
        .unwrap();

    let exchanges = sim.take_exchanges();
    let ops: Vec<&str> = exchanges.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(
        ops,
        [
            "createSkillForVendor",
            "getSkillManifest",
            "getSkillStatus",
            "deleteSkill"
        ]
    );
    let create = &exchanges[0];
    assert_eq!(
        (create.method.as_str(), create.path.as_str(), create.status),
        ("POST", "/v1/skills", 202)
    );
    assert_eq!(
        create.header("Location").unwrap(),
        format!("/v1/skills/{id}/status?resource=manifest")
    );
    assert_eq!(create.body_json().unwrap()["skillId"], id.as_str());
    let manifest_exchange = &exchanges[1];
    assert_eq!(manifest_exchange.header("etag"), Some(etag.as_str()));
    assert_eq!(manifest_exchange.body, sent.to_vec(), "exact bytes");
    assert_eq!(exchanges[2].fault.as_deref(), Some("malformed"));
    assert!(exchanges[2].body_json().is_none());
    assert_eq!(
        exchanges[3].path,
        format!("/eu/v1/skills/{id}/"),
        "path as received"
    );
    assert_eq!(exchanges[3].status, 204);
    assert!(sim.exchanges().is_empty(), "take clears");

    sim.set_recording(false);
    api.get_response(&format!("/v1/skills?vendorId={VENDOR}"))
        .await;
    assert!(sim.exchanges().is_empty());
}

/// Runs the simulator binary with `args`, stderr piped (not a terminal), makes one request,
/// stops it and returns what it logged.
fn binary_log(args: &[&str], env: &[(&str, &str)]) -> String {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_alexa-smapi-sim"))
        .args(["--port", "0"])
        .args(args)
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    unauthorised_listing(&url);
    std::thread::sleep(std::time::Duration::from_millis(100));
    child.kill().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    child.wait().unwrap();
    log
}

/// One plain HTTP/1.1 request over a socket (no client library needed): a listing without a
/// token, which the simulator at `url` must answer 401 (and log).
fn unauthorised_listing(url: &str) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream
        .write_all(
            b"GET /v1/skills?vendorId=x HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n",
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
}

/// Runs the simulator binary with stderr on a pseudo-terminal (util-linux `script`), makes one
/// request, stops it and returns everything the terminal showed.
fn terminal_log(env: &[(&str, &str)]) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    // The shell under `script` starts the simulator, waits for a line on the terminal (sent
    // below once the request is answered), then stops it.
    let command = format!(
        "'{}' --port 0 & read line; kill $!; wait",
        env!("CARGO_BIN_EXE_alexa-smapi-sim")
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env("SHELL", "/bin/sh")
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs (it provides the pseudo-terminal)");
    let mut shown = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            shown.read_line(&mut line).unwrap() > 0,
            "no URL in {seen:?}"
        );
        seen.push_str(&line);
        if let Some(rest) = line.trim().strip_prefix("alexa-smapi-sim listening on ") {
            break rest.to_owned();
        }
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{seen}");
    unauthorised_listing(&url);
    std::thread::sleep(std::time::Duration::from_millis(200));
    child.stdin.take().unwrap().write_all(b"stop\n").unwrap();
    shown.read_to_string(&mut seen).unwrap();
    child.wait().unwrap();
    seen
}

/// `text` without its ANSI SGR sequences (`ESC [ ... m`).
fn without_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\u{1b}[") {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match rest.find('m') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// On a terminal the log is coloured, unless `NO_COLOR` is set (<https://no-color.org>).
#[test]
fn logs_on_a_terminal_are_coloured_unless_no_color() {
    let coloured = terminal_log(&[]);
    assert!(
        without_sgr(&coloured).contains("status=401"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\u{1b}["),
        "no ANSI colour on a terminal: {coloured:?}"
    );
    let plain = terminal_log(&[("NO_COLOR", "1")]);
    assert!(
        !plain.contains('\u{1b}'),
        "ANSI colour with NO_COLOR: {plain:?}"
    );
    assert!(plain.contains("status=401"), "{plain:?}");
    // An empty NO_COLOR does not count as set.
    let empty = terminal_log(&[("NO_COLOR", "")]);
    assert!(without_sgr(&empty).contains("status=401"), "{empty:?}");
    assert!(empty.contains("\u{1b}["), "{empty:?}");
}

#[test]
fn logs_to_a_file_have_no_colour_and_obey_log_and_quiet() {
    let plain = binary_log(&[], &[]);
    assert!(plain.contains("status=401"), "{plain}");
    assert!(
        !plain.contains('\u{1b}'),
        "ANSI escape in a piped log: {plain:?}"
    );

    // (NO_COLOR is tested where it can make a difference, on a terminal:
    // `logs_on_a_terminal_are_coloured_unless_no_color`.)
    let debug = binary_log(&["--log", "debug"], &[]);
    assert!(debug.contains("status=401"), "{debug}");

    let quiet = binary_log(&["--quiet"], &[]);
    assert!(
        !quiet.contains("status=401"),
        "--quiet logs requests: {quiet}"
    );
    let warn = binary_log(&["--log", "warn"], &[]);
    assert!(
        !warn.contains("status=401"),
        "--log warn logs requests: {warn}"
    );
}

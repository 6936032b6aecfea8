//! Shared by the `smapi` tests: a simulator running in the test process (so its counters and
//! fault scripts are reachable), and the binary run as a user runs it, pointed at that
//! simulator through the ASK CLI's own variables.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use alexa_smapi_sim::{SimHandle, Simulator};
use assert_cmd::Command;
use serde_json::Value;

/// A simulator on a loopback port, served by its own runtime while the test thread waits on
/// the command.
pub struct Sim {
    pub handle: SimHandle,
    pub runtime: tokio::runtime::Runtime,
    pub home: tempfile::TempDir,
}

impl Sim {
    /// Builds and publications take 50 ms.
    pub fn start() -> Sim {
        Self::start_with(Duration::from_millis(50))
    }

    pub fn start_with(delay: Duration) -> Sim {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = runtime
            .block_on(Simulator::builder().async_delay(delay).start())
            .expect("simulator starts");
        Sim {
            handle,
            runtime,
            home: tempfile::tempdir().expect("temp HOME"),
        }
    }

    pub fn vendor(&self) -> &str {
        self.handle.default_vendor_id()
    }

    /// `smapi` with a clean environment: only HOME (an empty temp dir), PATH, and the ASK_*
    /// variables that point it at this simulator with a fresh access token.
    pub fn smapi(&self) -> Command {
        let mut cmd = bare(self.home.path());
        cmd.env("ASK_SMAPI_SERVER_BASE_URL", self.handle.url())
            .env("ASK_LWA_TOKEN_HOST", self.handle.lwa_url())
            .env(
                "ASK_ACCESS_TOKEN",
                self.handle
                    .issue_access_token(self.handle.default_vendor_id()),
            )
            .env("ASK_VENDOR_ID", self.handle.default_vendor_id())
            .args(["--poll-interval", "0.02"]);
        cmd
    }

    /// Requests the simulator has seen, all operations together.
    pub fn requests(&self) -> u64 {
        self.handle.counters().requests_total
    }

    pub fn count(&self, operation: &str) -> u64 {
        self.handle.counters().operation(operation)
    }

    /// Creates a skill through the binary and returns its ID.
    pub fn create_skill(&self, dir: &Path, wait: bool) -> String {
        let manifest = write_sample(dir, "Test skill");
        let mut cmd = self.smapi();
        cmd.args(["create-skill-for-vendor", "--manifest"])
            .arg(&manifest);
        if wait {
            cmd.arg("--wait");
        }
        let out = run(cmd);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        json(&out)["skillId"].as_str().expect("skillId").to_owned()
    }
}

/// `smapi` with nothing in its environment but HOME and PATH.
pub fn bare(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("smapi").expect("the smapi binary is built");
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SMAPI_SIM_STATE", home.join("sim-state.json"))
        .timeout(Duration::from_secs(60));
    cmd
}

/// Writes `sample-manifest` output to `dir/skill.json`, produced by the binary itself.
pub fn write_sample(dir: &Path, name: &str) -> PathBuf {
    let out = run({
        let mut c = bare(dir);
        c.args(["sample-manifest", "--name", name]);
        c
    });
    assert_eq!(code(&out), 0);
    let path = dir.join("skill.json");
    std::fs::write(&path, &out.stdout).expect("write skill.json");
    path
}

pub fn run(mut cmd: Command) -> Output {
    cmd.output().expect("smapi runs")
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// stdout parsed as JSON (fails the test when it is not).
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(out),
            stderr(out)
        )
    })
}

/// The JSON error report on stderr (JSON mode).
pub fn error_json(out: &Output) -> Value {
    let text = stderr(out);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON error on stderr:\n{text}"));
    serde_json::from_str::<Value>(line).expect("error JSON")["error"].clone()
}

//! Helpers shared by the simulator's wire tests (real HTTP over loopback).
#![allow(dead_code)]

use std::time::{Duration, Instant};

use alexa_smapi_sim::{SimHandle, Simulator, SimulatorBuilder};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const VENDOR: &str = alexa_smapi_sim::DEFAULT_VENDOR_ID;
pub const OTHER_VENDOR: &str = "M2OTHERVENDOR02";

/// Installs the process-wide rustls provider reqwest needs (the workspace unifies reqwest
/// with `rustls-no-provider`, so a plain `reqwest::Client::new()` needs it even for http://).
pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn builder() -> SimulatorBuilder {
    init();
    Simulator::builder().async_delay(Duration::from_millis(0))
}

pub async fn start() -> SimHandle {
    builder().start().await.expect("simulator starts")
}

/// A test client speaking to the simulator with one vendor's access token.
pub struct Api {
    pub http: Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub fn new(sim: &SimHandle, vendor: &str) -> Self {
        Api {
            http: Client::new(),
            base: sim.url().to_owned(),
            token: sim.issue_access_token(vendor),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(&self.token)
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(self.url(path)).bearer_auth(&self.token)
    }

    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.put(self.url(path)).bearer_auth(&self.token)
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.delete(self.url(path)).bearer_auth(&self.token)
    }

    /// Creates a skill and returns its ID (asserting 202).
    pub async fn create_skill(&self, vendor: &str, manifest: Value) -> String {
        let resp = self
            .post("/v1/skills")
            .json(&json!({ "vendorId": vendor, "manifest": manifest }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::ACCEPTED);
        let body: Value = resp.json().await.unwrap();
        body["skillId"].as_str().unwrap().to_owned()
    }

    /// Polls the manifest build until it leaves IN_PROGRESS; returns the status body.
    pub async fn wait_build(&self, skill_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let body: Value = self
                .get(&format!("/v1/skills/{skill_id}/status?resource=manifest"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if body["manifest"]["lastUpdateRequest"]["status"] != "IN_PROGRESS" {
                return body;
            }
            assert!(Instant::now() < deadline, "build never finished");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Polls the latest publication until its status is `want`.
    pub async fn wait_publication(&self, skill_id: &str, want: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let resp = self
                .get(&format!("/v1/skills/{skill_id}/publications/~latest"))
                .send()
                .await
                .unwrap();
            let body: Value = resp.json().await.unwrap();
            if body["status"] == want {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "publication never reached {want}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

pub fn manifest(name: &str) -> Value {
    json!({
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": {
                "en-US": {
                    "name": name,
                    "summary": "A sample skill.",
                    "description": "Does sample things.",
                    "examplePhrases": ["Alexa, open sample skill."]
                }
            },
            "category": "SMART_HOME",
            "distributionCountries": ["US"]
        },
        "apis": { "custom": { "endpoint": { "uri": "arn:aws:lambda:us-east-1:123456789012:function:sample" } } },
        "privacyAndCompliance": { "allowsPurchases": false, "usesPersonalInfo": false },
        "permissions": [{ "name": "alexa::devices:all:address:full:read" }]
    })
}

/// Asserts a SMAPI-style error: status, `code`/`message` body, message mentioning `field`.
pub async fn assert_error(resp: Response, status: StatusCode, field: &str) -> Value {
    assert_eq!(resp.status(), status, "unexpected status");
    let body: Value = resp.json().await.unwrap();
    assert!(body["code"].is_string(), "no code in {body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(field),
        "message `{message}` does not name `{field}`"
    );
    body
}

/// Asserts a discovery-style error: status, `{type, message}` body, message naming `field`.
pub async fn assert_discovery_error(
    resp: Response,
    status: StatusCode,
    kind: &str,
    field: &str,
) -> Value {
    assert_eq!(resp.status(), status, "unexpected status");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["type"], kind, "{body}");
    assert!(body.get("code").is_none(), "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(field),
        "message `{message}` does not name `{field}`"
    );
    body
}

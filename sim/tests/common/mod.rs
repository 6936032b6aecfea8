//! Helpers shared by the simulator's wire tests (real HTTP over loopback).
#![allow(dead_code)]

use std::time::{Duration, Instant};

use alexa_smapi_sim::{SimHandle, Simulator, SimulatorBuilder};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
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

/// Starts a simulator with the usual test settings.
pub async fn start() -> SimHandle {
    start_with(|b| b).await
}

/// Starts a simulator with the usual test settings, changed by `configure`.
pub async fn start_with(configure: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder) -> SimHandle {
    configure(builder())
        .start()
        .await
        .expect("simulator starts")
}

/// Sends any request and parses the response body as JSON (whatever the status).
pub async fn fetch_json(req: RequestBuilder) -> Value {
    req.send().await.unwrap().json().await.unwrap()
}

/// The path of a skill's manifest at `stage`.
pub fn manifest_path(skill_id: &str, stage: &str) -> String {
    format!("/v1/skills/{skill_id}/stages/{stage}/manifest")
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

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(&self.token)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.http.post(self.url(path)).bearer_auth(&self.token)
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.http.put(self.url(path)).bearer_auth(&self.token)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.http.delete(self.url(path)).bearer_auth(&self.token)
    }

    /// Sends an authorised GET and returns the response, whatever its status.
    pub async fn get_response(&self, path: &str) -> Response {
        self.get(path).send().await.unwrap()
    }

    /// Sends an authorised GET and returns only the status.
    pub async fn get_status(&self, path: &str) -> StatusCode {
        self.get_response(path).await.status()
    }

    /// Sends an authorised GET and parses the body as JSON (whatever the status).
    pub async fn get_json(&self, path: &str) -> Value {
        fetch_json(self.get(path)).await
    }

    /// PUTs `manifest` in its `{"manifest": …}` envelope to `path`, without If-Match.
    pub async fn put_manifest(&self, path: &str, manifest: &Value) -> Response {
        self.put(path)
            .json(&json!({ "manifest": manifest }))
            .send()
            .await
            .unwrap()
    }

    /// PUTs `manifest` in its envelope to `path` with `If-Match: etag`.
    pub async fn put_manifest_if_match(
        &self,
        path: &str,
        etag: &str,
        manifest: &Value,
    ) -> Response {
        self.put(path)
            .header("if-match", etag)
            .json(&json!({ "manifest": manifest }))
            .send()
            .await
            .unwrap()
    }

    /// Submits the skill for publication now (no body); returns the response unchecked.
    pub async fn publish(&self, skill_id: &str) -> Response {
        self.post(&format!("/v1/skills/{skill_id}/publications"))
            .send()
            .await
            .unwrap()
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

    /// Creates a skill and waits for its first build to finish; returns its ID.
    pub async fn create_built_skill(&self, vendor: &str, manifest: Value) -> String {
        let id = self.create_skill(vendor, manifest).await;
        self.wait_build(&id).await;
        id
    }

    /// Polls the manifest build until it leaves IN_PROGRESS; returns the status body.
    pub async fn wait_build(&self, skill_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let body = self
                .get_json(&format!("/v1/skills/{skill_id}/status?resource=manifest"))
                .await;
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
            let body = self
                .get_json(&format!("/v1/skills/{skill_id}/publications/~latest"))
                .await;
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

/// The shapes of error body the simulator answers with.
pub enum ErrorFamily<'a> {
    /// SMAPI operations: `{code, message}`.
    Smapi,
    /// Discovery sessions: `{type, message}` with this `type` and no `code`.
    Discovery(&'a str),
}

/// Asserts an error response: `status`, a body of `family`'s shape, and a message naming `field`.
pub async fn assert_error_of(
    resp: Response,
    status: StatusCode,
    family: ErrorFamily<'_>,
    field: &str,
) -> Value {
    assert_eq!(resp.status(), status, "unexpected status");
    let body: Value = resp.json().await.unwrap();
    match family {
        ErrorFamily::Smapi => assert!(body["code"].is_string(), "no code in {body}"),
        ErrorFamily::Discovery(kind) => {
            assert_eq!(body["type"], kind, "{body}");
            assert!(body.get("code").is_none(), "{body}");
        }
    }
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(field),
        "message `{message}` does not name `{field}`"
    );
    body
}

/// Asserts a SMAPI-style error: status, `code`/`message` body, message mentioning `field`.
pub async fn assert_error(resp: Response, status: StatusCode, field: &str) -> Value {
    assert_error_of(resp, status, ErrorFamily::Smapi, field).await
}

/// Asserts a discovery-style error: status, `{type, message}` body, message naming `field`.
pub async fn assert_discovery_error(
    resp: Response,
    status: StatusCode,
    kind: &str,
    field: &str,
) -> Value {
    assert_error_of(resp, status, ErrorFamily::Discovery(kind), field).await
}

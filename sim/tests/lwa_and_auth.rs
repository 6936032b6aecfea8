//! Login with Amazon token endpoint and bearer-token checks, over real HTTP.

mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn form(
    sim: &alexa_smapi_sim::SimHandle,
    overrides: &[(&str, Option<&str>)],
) -> Vec<(String, String)> {
    let mut fields = vec![
        ("grant_type".to_owned(), "refresh_token".to_owned()),
        ("client_id".to_owned(), sim.client_id().to_owned()),
        ("client_secret".to_owned(), sim.client_secret().to_owned()),
        (
            "refresh_token".to_owned(),
            sim.default_refresh_token().unwrap().to_owned(),
        ),
    ];
    for (name, value) in overrides {
        fields.retain(|(n, _)| n != name);
        if let Some(v) = value {
            fields.push(((*name).to_owned(), (*v).to_owned()));
        }
    }
    fields
}

/// POSTs a refresh grant built by [`form`] to the simulator's token endpoint, form-encoded.
async fn request_token(
    http: &reqwest::Client,
    sim: &alexa_smapi_sim::SimHandle,
    overrides: &[(&str, Option<&str>)],
) -> reqwest::Response {
    request_token_as(http, sim, overrides, Encoding::Form, "/auth/o2/token").await
}

/// How a token request carries its parameters.
#[derive(Clone, Copy, Debug)]
enum Encoding {
    /// `application/x-www-form-urlencoded` (RFC 6749; this crate, the Node SMAPI SDK).
    Form,
    /// A JSON object (the ASK CLI).
    Json,
}

/// POSTs a refresh grant to `path` on the simulator, encoded as `encoding`.
async fn request_token_as(
    http: &reqwest::Client,
    sim: &alexa_smapi_sim::SimHandle,
    overrides: &[(&str, Option<&str>)],
    encoding: Encoding,
    path: &str,
) -> reqwest::Response {
    let fields = form(sim, overrides);
    let request = http.post(format!("{}{path}", sim.url()));
    let request = match encoding {
        Encoding::Form => request.form(&fields),
        Encoding::Json => {
            let object: serde_json::Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            request.json(&object)
        }
    };
    request.send().await.unwrap()
}

#[tokio::test]
async fn json_bodies_and_any_spelling_of_the_path_are_accepted() {
    let sim = start().await;
    let http = reqwest::Client::new();
    for (encoding, path) in [
        (Encoding::Json, "/auth/o2/token"),
        (Encoding::Form, "/auth/O2/token"),
        (Encoding::Json, "/auth/O2/token"),
    ] {
        let resp = request_token_as(&http, &sim, &[], encoding, path).await;
        assert_eq!(resp.status(), StatusCode::OK, "{encoding:?} {path}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["token_type"], "bearer", "{encoding:?} {path}");
    }
    let counters = sim.counters();
    assert_eq!(counters.refreshes, 3);
    assert_eq!(counters.token_json_bodies, 2);
    assert_eq!(counters.token_form_bodies, 1);

    // Not JSON at all, and a method the endpoint does not serve: still LWA's error shape.
    let resp = http
        .post(format!("{}/auth/o2/token", sim.url()))
        .header("content-type", "application/json")
        .body("[1]")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let resp = http
        .get(format!("{}/auth/O2/token", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "POST");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed", "{body}");
    assert!(body["error_description"].is_string(), "{body}");
}

#[tokio::test]
async fn refresh_grant_issues_a_working_token() {
    let sim = start_with(|b| b.refresh_token("Atzr|second", OTHER_VENDOR)).await;
    let http = reqwest::Client::new();
    let resp = request_token(&http, &sim, &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["refresh_token"], "Atzr|sim-refresh-token");
    let token = body["access_token"].as_str().unwrap();

    // The token acts for the refresh token's vendor.
    let list = http
        .get(format!("{}/v1/skills?vendorId={VENDOR}", sim.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);

    let second = request_token(&http, &sim, &[("refresh_token", Some("Atzr|second"))]).await;
    let second: Value = second.json().await.unwrap();
    let other = http
        .get(format!("{}/v1/skills?vendorId={VENDOR}", sim.url()))
        .bearer_auth(second["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    // listSkillsForVendor declares no 403: a foreign vendorId is a 401 (no access).
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);

    let counters = sim.counters();
    assert_eq!(counters.refreshes, 2);
    assert_eq!(counters.tokens_issued, 2);
    assert_eq!(counters.operation("lwaToken"), 2);
}

#[tokio::test]
async fn token_endpoint_errors_are_oauth_shaped() {
    let sim = start().await;
    let http = reqwest::Client::new();
    type Case<'a> = (
        Vec<(&'a str, Option<&'a str>)>,
        StatusCode,
        &'a str,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            vec![("grant_type", None)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type",
        ),
        (
            vec![("grant_type", Some("client_credentials"))],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type",
        ),
        (
            vec![("client_id", None)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id",
        ),
        (
            vec![("client_secret", None)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_secret",
        ),
        (
            vec![("refresh_token", None)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "refresh_token",
        ),
        (
            vec![("client_secret", Some("wrong"))],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_secret",
        ),
        (
            vec![("client_id", Some("someone-else"))],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_id",
        ),
        (
            vec![("refresh_token", Some("Atzr|unknown"))],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "refresh_token",
        ),
    ];
    for ((overrides, status, error, field), encoding) in cases
        .into_iter()
        .flat_map(|case| [(case.clone(), Encoding::Form), (case, Encoding::Json)])
    {
        let resp = request_token_as(&http, &sim, &overrides, encoding, "/auth/o2/token").await;
        assert_eq!(resp.status(), status, "{overrides:?} {encoding:?}");
        assert_eq!(resp.headers()["cache-control"], "no-store");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"], error, "{overrides:?} {encoding:?}");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.contains(field), "{description}");
        assert!(
            !description.contains("wrong"),
            "secrets are not echoed: {description}"
        );
    }
    assert_eq!(sim.counters().tokens_issued, 0);
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens_get_401() {
    let sim = start_with(|b| b.access_token_ttl(Duration::from_millis(400))).await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/skills?vendorId={VENDOR}", sim.url());

    let missing = http.get(&url).send().await.unwrap();
    assert_error(missing, StatusCode::UNAUTHORIZED, "Authorization").await;

    let unknown = http
        .get(&url)
        .bearer_auth("Atza|made-up")
        .send()
        .await
        .unwrap();
    assert_error(unknown, StatusCode::UNAUTHORIZED, "not valid").await;

    let wrong_scheme = http
        .get(&url)
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_error(wrong_scheme, StatusCode::UNAUTHORIZED, "Bearer").await;

    let token = sim.issue_access_token(VENDOR);
    let ok = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    // The ASK CLI sends the bare token; accepted too.
    let bare = http
        .get(&url)
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(500)).await;
    let expired = http.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_error(expired, StatusCode::UNAUTHORIZED, "expired").await;

    // A fresh refresh grant gives a working token again.
    let body: Value = request_token(&http, &sim, &[]).await.json().await.unwrap();
    assert_eq!(
        body["expires_in"], 0,
        "expires_in is whole seconds of the TTL"
    );
    let renewed = http
        .get(&url)
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(renewed.status(), StatusCode::OK);
}

#[tokio::test]
async fn another_vendors_skill_is_forbidden() {
    let sim = start().await;
    let owner = Api::new(&sim, VENDOR);
    let other = Api::new(&sim, OTHER_VENDOR);
    let id = owner.create_built_skill(VENDOR, manifest("Mine")).await;

    let paths = [
        manifest_path(&id, "development"),
        format!("/v1/skills/{id}/status"),
        format!("/v1/skills/{id}/publications/~latest"),
    ];
    for path in &paths {
        let resp = other.get_response(path).await;
        assert_error(resp, StatusCode::FORBIDDEN, "vendor").await;
    }
    let put = other.put_manifest(&paths[0], &manifest("Stolen")).await;
    assert_error(put, StatusCode::FORBIDDEN, "vendor").await;
    let del = other
        .delete(&format!("/v1/skills/{id}"))
        .send()
        .await
        .unwrap();
    assert_error(del, StatusCode::FORBIDDEN, "vendor").await;
    let publish = other.publish(&id).await;
    assert_error(publish, StatusCode::FORBIDDEN, "vendor").await;

    // Creating or listing for a vendor that is not the token's.
    let create = other
        .post("/v1/skills")
        .json(&json!({ "vendorId": VENDOR, "manifest": manifest("Xy") }))
        .send()
        .await
        .unwrap();
    assert_error(create, StatusCode::FORBIDDEN, "vendorId").await;
    let list = other
        .get_response(&format!("/v1/skills?vendorId={VENDOR}"))
        .await;
    assert_error(list, StatusCode::UNAUTHORIZED, "vendorId").await;

    // The owner still sees it unchanged.
    let resp = owner.get_response(&paths[0]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["manifest"]["publishingInformation"]["locales"]["en-US"]["name"],
        "Mine"
    );
}

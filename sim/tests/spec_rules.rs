//! The simulator checks what the spec declares, derived from the spec: manifests against the
//! spec's schema, undeclared parameters, headers and bodies refused, every refusal in the
//! documented JSON shape; and a spec change the simulator was not told about changes its
//! behaviour (so it fails a test instead of passing silently).

mod common;

use alexa_smapi_sim::EMBEDDED_SPEC;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn violation_messages(error: &Value) -> Vec<String> {
    error["violations"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|x| x["message"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn manifests_are_checked_against_the_spec_on_create_and_update() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);

    let mut bad = manifest("Checked");
    bad["privacyAndCompliance"]["isChildDirected"] = json!([]);
    bad["publishingInformation"]["locales"]["en-US"]["name"] = json!("x");
    bad["publishingInformation"]["isAvailableWorldwide"] = json!("yes");
    let resp = api
        .post("/v1/skills")
        .json(&json!({ "vendorId": VENDOR, "manifest": bad }))
        .send()
        .await
        .unwrap();
    let error = assert_error(resp, StatusCode::BAD_REQUEST, "manifest.").await;
    let messages = violation_messages(&error);
    assert_eq!(
        messages.len(),
        3,
        "one violation per offending path: {error}"
    );
    for path in [
        "manifest.privacyAndCompliance.isChildDirected (body)",
        "manifest.publishingInformation.locales.en-US.name (body)",
        "manifest.publishingInformation.isAvailableWorldwide (body)",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(path)),
            "no violation for {path}: {messages:?}"
        );
    }
    assert_eq!(error["code"], "INVALID_DATA_TYPE");
    let listed = api.get_json(&format!("/v1/skills?vendorId={VENDOR}")).await;
    assert_eq!(listed["skills"], json!([]), "nothing was created");

    // Unknown fields are still accepted and kept.
    let mut open = manifest("Open");
    open["somethingNew"] = json!({ "nested": [1, 2] });
    open["publishingInformation"]["futureField"] = json!(true);
    let id = api.create_skill(VENDOR, open.clone()).await;
    let stored = api.get_json(&manifest_path(&id, "development")).await;
    assert_eq!(stored["manifest"], open);

    // Update: same schema.
    api.wait_build(&id).await;
    let mut bad_update = open.clone();
    bad_update["privacyAndCompliance"]["isChildDirected"] = json!([]);
    let resp = api
        .put_manifest(&manifest_path(&id, "development"), &bad_update)
        .await;
    let error = assert_error(
        resp,
        StatusCode::BAD_REQUEST,
        "manifest.privacyAndCompliance.isChildDirected",
    )
    .await;
    assert_eq!(violation_messages(&error).len(), 1, "{error}");
    let still = api.get_json(&manifest_path(&id, "development")).await;
    assert_eq!(still["manifest"], open, "a refused update changes nothing");
}

#[tokio::test]
async fn undeclared_parameters_headers_and_bodies_are_refused() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Strict")).await;
    let manifest_url = manifest_path(&id, "development");

    let cases = vec![
        (
            api.get(&format!("/v1/skills?vendorId={VENDOR}&color=blue")),
            "color (query)",
        ),
        (
            api.get(&format!(
                "/v1/skills/{id}/status?resource=manifest&verbose=1"
            )),
            "verbose (query)",
        ),
        (
            api.get(&manifest_url).header("if-match", "\"abc\""),
            "if-match (header)",
        ),
        (
            api.get(&manifest_url).body("{}"),
            "getSkillManifest takes no request body",
        ),
        (
            api.delete(&format!("/v1/skills/{id}"))
                .body("{\"force\":true}"),
            "deleteSkill takes no request body",
        ),
        (
            api.get(&format!("/v1/skills?vendorId={VENDOR}&maxResults=ten")),
            "maxResults (query)",
        ),
        (
            api.get(&format!("/v1/skills?vendorId={VENDOR}&vendorId={VENDOR}")),
            "vendorId (query)",
        ),
        (
            api.put(&manifest_url)
                .header("content-type", "text/plain")
                .body(json!({ "manifest": manifest("Strict") }).to_string()),
            "Content-Type (header)",
        ),
        (
            api.put(&manifest_url).header("if-match", ""),
            "If-Match (header)",
        ),
    ];
    for (request, field) in cases {
        let resp = request.send().await.unwrap();
        assert_error(resp, StatusCode::BAD_REQUEST, field).await;
    }
    // Nothing above changed the skill.
    assert_eq!(api.get_status(&manifest_url).await, StatusCode::OK);
}

#[tokio::test]
async fn framework_refusals_come_in_the_documented_shape() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);

    // 413: a body over 2 MiB.
    let huge = json!({ "vendorId": VENDOR, "manifest": { "blob": "x".repeat(2 * 1024 * 1024) } });
    let resp = api.post("/v1/skills").json(&huge).send().await.unwrap();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "bytes").await;

    // Invalid UTF-8 in a path parameter.
    let resp = api.get("/v1/skills/%FF%FE/status").send().await.unwrap();
    assert_error(resp, StatusCode::BAD_REQUEST, "skillId (path)").await;

    // A path the API does not have.
    let resp = api.get("/v1/nothing/here").send().await.unwrap();
    assert_error(resp, StatusCode::NOT_FOUND, "/v1/nothing/here").await;

    // A method the path does not serve: 405 with Allow.
    let resp = api.http.patch(api.url("/v1/skills")).send().await.unwrap();
    assert_eq!(resp.headers()["allow"], "GET, POST");
    assert_error(resp, StatusCode::METHOD_NOT_ALLOWED, "PATCH").await;
    let resp = api
        .http
        .delete(api.url("/v1/discoverySessions"))
        .send()
        .await
        .unwrap();
    assert_discovery_error(
        resp,
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "DELETE",
    )
    .await;

    // Discovery sessions refuse in their own shape, with violations kept out of it.
    let resp = api
        .post("/v1/discoverySessions?unit=u1")
        .json(&json!({ "endpointReporter": { "type": "SKILL", "value": { "skillId": "x", "skillStage": "certified" } } }))
        .send()
        .await
        .unwrap();
    assert_discovery_error(resp, StatusCode::BAD_REQUEST, "BAD_REQUEST", "skillStage").await;
}

/// Starts a simulator on an edited copy of the spec.
async fn start_on(spec: String) -> alexa_smapi_sim::SimHandle {
    start_with(|b| b.spec_yaml(spec)).await
}

#[tokio::test]
async fn a_spec_change_changes_what_the_simulator_accepts() {
    let base = start().await;
    let api = Api::new(&base, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Drift")).await;
    let status = format!("/v1/skills/{id}/status?resource=manifest");
    assert_eq!(api.get_status(&status).await, StatusCode::OK);
    let latest = format!("/v1/skills/{id}/publications/~latest");
    let with_language = api
        .get(&latest)
        .header("accept-language", "en-US")
        .send()
        .await
        .unwrap();
    assert_eq!(
        with_language.status(),
        StatusCode::NOT_FOUND,
        "declared header accepted"
    );

    // 1. The spec drops the `resource` filter of getSkillStatus: the simulator refuses it.
    let without_resource = {
        let spec = EMBEDDED_SPEC;
        let start = spec.find("operationId: getSkillStatus").unwrap();
        let from = spec[start..].find("        - name: resource").unwrap() + start;
        let to = spec[from..].find("      responses:").unwrap() + from;
        format!("{}{}", &spec[..from], &spec[to..])
    };
    let sim = start_on(without_resource).await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Drift")).await;
    let resp = api
        .get(&format!("/v1/skills/{id}/status?resource=manifest"))
        .send()
        .await
        .unwrap();
    assert_error(resp, StatusCode::BAD_REQUEST, "resource (query)").await;

    // 2. The spec gives deleteSkill an If-Match header: refused before, accepted after.
    let delete_with_if_match = |api: &Api, id: &str| {
        api.delete(&format!("/v1/skills/{id}"))
            .header("if-match", "*")
            .send()
    };
    let refused = delete_with_if_match(&api, &id).await.unwrap();
    assert_error(refused, StatusCode::BAD_REQUEST, "if-match (header)").await;
    let spec = {
        let start = EMBEDDED_SPEC.find("operationId: deleteSkill").unwrap();
        let anchor = "        - $ref: '#/components/parameters/SkillIdPath'\n";
        let at = EMBEDDED_SPEC[start..].find(anchor).unwrap() + start + anchor.len();
        format!(
            "{}        - name: If-Match\n          in: header\n          required: false\n          description: Delete only this version.\n          schema:\n            type: string\n{}",
            &EMBEDDED_SPEC[..at],
            &EMBEDDED_SPEC[at..]
        )
    };
    let sim = start_on(spec).await;
    let api = Api::new(&sim, VENDOR);
    let id = api.create_built_skill(VENDOR, manifest("Drift")).await;
    let accepted = delete_with_if_match(&api, &id).await.unwrap();
    assert_eq!(accepted.status(), StatusCode::NO_CONTENT);

    // 3. A manifest property's type changes: the simulator checks the new one.
    let mut spec: Value = serde_norway::from_str(EMBEDDED_SPEC).unwrap();
    let privacy = spec
        .pointer("/components/schemas/SkillManifest/properties/privacyAndCompliance/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .expect("privacyAndCompliance is a named schema")
        .to_owned();
    spec["components"]["schemas"][&privacy]["properties"]["usesPersonalInfo"] =
        json!({ "type": "string", "description": "Now a string." });
    let sim = start_on(serde_json::to_string(&spec).unwrap()).await;
    let api = Api::new(&sim, VENDOR);
    let resp = api
        .post("/v1/skills")
        .json(&json!({ "vendorId": VENDOR, "manifest": manifest("Drift") }))
        .send()
        .await
        .unwrap();
    assert_error(
        resp,
        StatusCode::BAD_REQUEST,
        "manifest.privacyAndCompliance.usesPersonalInfo",
    )
    .await;

    // 4. A new required query parameter: requests without it are refused.
    let spec = {
        let spec = EMBEDDED_SPEC;
        let start = spec.find("operationId: listSkillsForVendor").unwrap();
        let anchor = "        - $ref: '#/components/parameters/VendorIdQuery'\n";
        let at = spec[start..].find(anchor).unwrap() + start + anchor.len();
        format!(
            "{}        - name: region\n          in: query\n          required: true\n          description: A new required filter.\n          schema:\n            type: string\n            enum: [NA, EU]\n{}",
            &spec[..at],
            &spec[at..]
        )
    };
    let sim = start_on(spec).await;
    let api = Api::new(&sim, VENDOR);
    let resp = api
        .get(&format!("/v1/skills?vendorId={VENDOR}"))
        .send()
        .await
        .unwrap();
    assert_error(resp, StatusCode::BAD_REQUEST, "region").await;
    let resp = api
        .get(&format!("/v1/skills?vendorId={VENDOR}&region=EU"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

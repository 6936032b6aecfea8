//! Checks one recorded exchange against `openapi/smapi.yaml`: the status is declared for the
//! operation, every required response header is present, the content type is a declared
//! media type, and the body validates against the declared schema.

use std::collections::HashMap;

use alexa_smapi_sim::Exchange;
use serde_json::{Value, json};

pub struct SpecChecker {
    spec: Value,
    /// operationId → operation object.
    operations: HashMap<String, Value>,
}

impl SpecChecker {
    pub fn load() -> Self {
        let spec: Value =
            serde_norway::from_str(alexa_smapi_sim::EMBEDDED_SPEC).expect("spec parses");
        let mut operations = HashMap::new();
        for (_path, item) in spec["paths"].as_object().expect("paths") {
            for method in ["get", "put", "post", "delete", "patch"] {
                if let Some(op) = item.get(method) {
                    let id = op["operationId"].as_str().expect("operationId").to_owned();
                    operations.insert(id, op.clone());
                }
            }
        }
        SpecChecker { spec, operations }
    }

    pub fn operation_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.operations.keys().cloned().collect();
        ids.sort();
        ids
    }

    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#').expect("local $ref");
            value = self
                .spec
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling {reference}"));
        }
        value
    }

    /// `Err` describes every way the exchange departs from the spec.
    pub fn check(&self, ex: &Exchange) -> Result<(), String> {
        let op = self
            .operations
            .get(&ex.operation)
            .ok_or_else(|| format!("{} is not an operation of the spec", ex.operation))?;
        let responses = &op["responses"];
        let declared = responses
            .get(ex.status.to_string())
            .or_else(|| responses.get("default"))
            .ok_or_else(|| format!("status {} is not declared for {}", ex.status, ex.operation))?;
        let response = self.resolve(declared);
        let mut problems = Vec::new();

        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for (name, header) in headers {
                let header = self.resolve(header);
                if header["required"] == true && ex.header(name).is_none() {
                    problems.push(format!("required header {name} missing"));
                }
            }
        }

        match response.get("content").and_then(Value::as_object) {
            None => {
                if !ex.body.is_empty() {
                    problems.push(format!("no body declared, got {} bytes", ex.body.len()));
                }
            }
            Some(content) => {
                let content_type = ex
                    .header("content-type")
                    .map(|ct| ct.split(';').next().unwrap_or("").trim().to_owned())
                    .unwrap_or_default();
                match content.get(&content_type) {
                    None => problems.push(format!(
                        "content type `{content_type}` not among {:?}",
                        content.keys().collect::<Vec<_>>()
                    )),
                    Some(media) => match serde_json::from_slice::<Value>(&ex.body) {
                        Err(e) => problems.push(format!("body is not JSON: {e}")),
                        Ok(body) => {
                            let mut schema = media["schema"].clone();
                            if let Value::Object(map) = &mut schema {
                                map.insert("components".into(), self.spec["components"].clone());
                            } else {
                                schema = json!({ "components": self.spec["components"] });
                            }
                            let validator = jsonschema::options()
                                .should_validate_formats(true)
                                .build(&schema)
                                .map_err(|e| format!("schema does not compile: {e}"))?;
                            for error in validator.iter_errors(&body) {
                                problems.push(format!("body at {}: {error}", error.instance_path));
                            }
                        }
                    },
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

//! The one place that touches the library's types: the session (client, vendor, simulator,
//! wait settings), the error classification, and each operation turned into JSON.
//!
//! Everything else in the command works on `serde_json::Value`s, so a change of the library's
//! types (ID newtypes, manifest types) is absorbed here.

use std::time::Duration;

use alexa_smapi::api::{Publishing, ResourceSchemas, Skills};
use alexa_smapi::poll::Progress;
use alexa_smapi::types::{HostingConfiguration, SkillManifest, StatusResource};
use alexa_smapi::{EndpointReporter, Error, PollPolicy, Region, Smapi, validate};
use futures::{Stream, StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{Call, CliError};
use crate::exit::Exit;

/// A connected command: the client, the vendor it acts for, and how to wait.
pub struct Session {
    /// The client.
    pub smapi: Smapi,
    /// `--vendor-id`: overrides the vendor the credential source configured, per handle.
    pub vendor_id: Option<String>,
    /// How `--wait` polls.
    pub poll: PollPolicy,
    /// Progress reporter for `--wait` (none with `--quiet`).
    pub progress: Option<Progress>,
}

/// A create's answer.
pub struct Created {
    /// The new ID.
    pub id: String,
    /// The JSON to print.
    pub json: Value,
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Session {
    /// The vendor (`--vendor-id`, else the configured one), or an input error naming how to
    /// give one.
    pub fn vendor(&self) -> Result<&str, CliError> {
        self.vendor_id
            .as_deref()
            .or(self.smapi.vendor_id())
            .ok_or_else(|| {
                CliError::input(
                    "--vendor-id",
                    "no vendor ID: pass --vendor-id, set ASK_VENDOR_ID, or use a profile that has one",
                )
            })
    }

    /// Skill operations, for `--vendor-id` when given (else the configured vendor).
    fn skills(&self) -> Skills<'_> {
        match &self.vendor_id {
            Some(v) => self.smapi.skills().vendor_id(v),
            None => self.smapi.skills(),
        }
    }

    /// Resource schemas, for `--vendor-id` when given (else the configured vendor).
    fn schemas(&self) -> ResourceSchemas<'_> {
        match &self.vendor_id {
            Some(v) => self.smapi.resource_schema().vendor_id(v),
            None => self.smapi.resource_schema(),
        }
    }

    /// Publishing operations, with `--accept-language` when given.
    fn publishing<'a>(&'a self, language: Option<&'a str>) -> Publishing<'a> {
        match language {
            Some(l) => self.smapi.publishing().accept_language(l),
            None => self.smapi.publishing(),
        }
    }

    fn waiting<'a, T: Send + 'a>(
        &self,
        wait: alexa_smapi::poll::Wait<'a, T>,
    ) -> alexa_smapi::poll::Wait<'a, T> {
        let wait = wait.policy(self.poll.clone());
        match &self.progress {
            Some(p) => wait.progress(p.clone()),
            None => wait,
        }
    }

    /// createSkillForVendor, then optionally wait for the build.
    pub async fn create_skill(
        &self,
        manifest: SkillManifest,
        hosting: Option<HostingConfiguration>,
        wait: bool,
    ) -> Result<Created, CliError> {
        self.vendor()?;
        let mut create = self.skills().create(manifest);
        if let Some(hosting) = hosting {
            create = create.hosting(hosting);
        }
        let created = create.await.map_err(CliError::write)?;
        let id = created.skill_id.into_string();
        let mut json = json!({ "skillId": id, "location": created.location });
        if wait {
            let status = self.wait_built(&id).await?;
            json["build"] = status;
        }
        Ok(Created { id, json })
    }

    /// Waits until the skill's last create or update is built; the final status.
    pub async fn wait_built(&self, skill_id: &str) -> Result<Value, CliError> {
        let status = self
            .waiting(self.smapi.skills().wait_until_built(skill_id))
            .await
            .map_err(CliError::read)?;
        Ok(to_json(&status))
    }

    /// getSkillManifest: `{"manifest": ..., "etag": ...}`.
    pub async fn get_manifest(&self, skill_id: &str, stage: &str) -> Result<Value, CliError> {
        let stage = validate::parse_stage(stage).map_err(CliError::read)?;
        let m = self
            .smapi
            .skills()
            .manifest(skill_id, stage)
            .await
            .map_err(CliError::read)?;
        let mut out = json!({ "manifest": to_json(&m.manifest) });
        if let Some(etag) = m.etag {
            out["etag"] = Value::from(etag);
        }
        Ok(out)
    }

    /// updateSkillManifest with an optional If-Match, then optionally wait for the build.
    pub async fn update_manifest(
        &self,
        skill_id: &str,
        stage: &str,
        manifest: &SkillManifest,
        if_match: Option<&str>,
        wait: bool,
    ) -> Result<Value, CliError> {
        let stage = validate::parse_stage(stage).map_err(CliError::read)?;
        let mut update = self
            .smapi
            .skills()
            .update_manifest(skill_id, manifest)
            .stage(stage);
        if let Some(etag) = if_match {
            update = update.if_match(etag);
        }
        let accepted = update.await.map_err(CliError::write)?;
        let mut out = json!({
            "skillId": skill_id,
            "location": accepted.location,
            "etag": accepted.etag,
        });
        if wait {
            out["build"] = self.wait_built(skill_id).await?;
        }
        Ok(out)
    }

    /// Read → patch → write with If-Match, again on 412 (at most
    /// [`alexa_smapi::api::skills::MODIFY_ATTEMPTS`] rounds). The library's
    /// `modify_manifest` takes an edit that cannot fail; a patch can, and must then write
    /// nothing, hence this loop over the same two calls.
    pub async fn patch_manifest(
        &self,
        skill_id: &str,
        patch: &json_patch::Patch,
        wait: bool,
    ) -> Result<Value, CliError> {
        let skills = self.smapi.skills();
        let mut round = 0;
        loop {
            round += 1;
            let current = skills
                .manifest(skill_id, alexa_smapi::Stage::Development)
                .await
                .map_err(CliError::read)?;
            let before = json!({ "manifest": to_json(&current.manifest) });
            let mut after = before.clone();
            json_patch::patch(&mut after, patch).map_err(|e| match e.kind {
                json_patch::PatchErrorKind::TestFailed => {
                    CliError::PatchTestFailed(format!("operation {}: {e}", e.operation))
                }
                _ => CliError::input("--patch", format!("operation {}: {e}", e.operation)),
            })?;
            if after == before {
                return Ok(json!({ "skillId": skill_id, "changed": false, "etag": current.etag }));
            }
            let manifest = crate::input::manifest_from_value(after, "--patch result")?;
            let mut update = skills.update_manifest(skill_id, &manifest);
            if let Some(etag) = &current.etag {
                update = update.if_match(etag);
            }
            match update.await {
                Ok(accepted) => {
                    let mut out = json!({
                        "skillId": skill_id,
                        "changed": true,
                        "location": accepted.location,
                        "etag": accepted.etag,
                        "rounds": round,
                    });
                    if wait {
                        out["build"] = self.wait_built(skill_id).await?;
                    }
                    return Ok(out);
                }
                Err(Error::PreconditionFailed { .. })
                    if round < alexa_smapi::api::skills::MODIFY_ATTEMPTS => {}
                Err(e) => return Err(CliError::write(e)),
            }
        }
    }

    /// getSkillStatus, of the chosen resources (all when none).
    pub async fn status(
        &self,
        skill_id: &str,
        resources: Vec<StatusResource>,
    ) -> Result<Value, CliError> {
        let status = self
            .smapi
            .skills()
            .status_of(skill_id, resources)
            .await
            .map_err(CliError::read)?;
        Ok(to_json(&status))
    }

    /// listSkillsForVendor, one page: the first, or the one `next_token` names.
    pub async fn list_page(
        &self,
        max_results: Option<u32>,
        next_token: Option<&str>,
    ) -> Result<Value, CliError> {
        self.vendor()?;
        let mut list = self.skills().list();
        if let Some(n) = max_results {
            list = list.page_size(n);
        }
        if let Some(token) = next_token {
            list = list.next_token(token);
        }
        let page = Box::pin(list.pages())
            .next()
            .await
            .transpose()
            .map_err(CliError::read)?;
        Ok(page
            .map(|p| to_json(&p))
            .unwrap_or_else(|| json!({"skills": []})))
    }

    /// Every skill summary across all pages (or of the named skills), as they arrive.
    pub fn list_stream<'a>(
        &'a self,
        max_results: Option<u32>,
        next_token: Option<&'a str>,
        ids: &'a [String],
    ) -> impl Stream<Item = Result<Value, CliError>> + 'a {
        let skills = self.skills();
        let stream = if ids.is_empty() {
            let mut list = skills.list();
            if let Some(n) = max_results {
                list = list.page_size(n);
            }
            if let Some(token) = next_token {
                list = list.next_token(token);
            }
            list.stream().boxed()
        } else {
            skills.list_by_ids(ids.iter().map(String::as_str)).boxed()
        };
        stream.map_ok(|s| to_json(&s)).map_err(CliError::read)
    }

    /// deleteSkill.
    pub async fn delete(&self, skill_id: &str) -> Result<Value, CliError> {
        self.smapi
            .skills()
            .delete(skill_id)
            .await
            .map_err(CliError::write)?;
        Ok(json!({ "skillId": skill_id, "deleted": true }))
    }

    /// publishSkill, then optionally wait for the publication.
    pub async fn publish(
        &self,
        skill_id: &str,
        at: Option<&str>,
        language: Option<&str>,
        wait: bool,
    ) -> Result<Value, CliError> {
        let at = match at {
            None => None,
            Some(text) => Some(
                chrono::DateTime::parse_from_rfc3339(text)
                    .map_err(|e| {
                        CliError::input(
                            "--publishes-at-date",
                            format!("`{text}` is not an RFC 3339 date-time: {e}"),
                        )
                    })?
                    .with_timezone(&chrono::Utc),
            ),
        };
        let mut submit = self.publishing(language).submit(skill_id);
        if let Some(at) = at {
            submit = submit.at(at);
        }
        submit.await.map_err(CliError::write)?;
        let mut out = json!({ "skillId": skill_id, "submitted": true });
        if let Some(at) = at {
            out["publishesAtDate"] = Value::from(at.to_rfc3339());
        }
        if wait {
            let publication = self
                .waiting(self.publishing(language).wait_until_published(skill_id))
                .await
                .map_err(CliError::read)?;
            out["publication"] = to_json(&publication);
        }
        Ok(out)
    }

    /// getSkillPublication.
    pub async fn publication(
        &self,
        skill_id: &str,
        language: Option<&str>,
    ) -> Result<Value, CliError> {
        let p = self
            .publishing(language)
            .status(skill_id)
            .await
            .map_err(CliError::read)?;
        Ok(to_json(&p))
    }

    /// unpublishSkill.
    pub async fn unpublish(
        &self,
        skill_id: &str,
        kind: &str,
        reason: &str,
        language: Option<&str>,
    ) -> Result<Value, CliError> {
        let kind = validate::parse_unpublish_type(kind).map_err(CliError::read)?;
        let reason = validate::parse_unpublish_reason(reason).map_err(CliError::read)?;
        self.publishing(language)
            .unpublish(skill_id, kind, reason)
            .await
            .map_err(CliError::write)?;
        Ok(json!({ "skillId": skill_id, "type": to_json(&kind), "reason": to_json(&reason) }))
    }

    /// getResourceSchema, or the document behind it.
    pub async fn resource_schema(
        &self,
        resource: &str,
        operation: Option<&str>,
        document: bool,
    ) -> Result<Value, CliError> {
        let resource: alexa_smapi::SchemaResource = resource.parse().map_err(|_| {
            CliError::read(Error::Validation {
                field: "resource",
                rule: format!("must be `manifest` or `skillPackageStructure`, got `{resource}`"),
            })
        })?;
        let operation = operation
            .map(validate::parse_schema_operation)
            .transpose()
            .map_err(CliError::read)?;
        self.vendor()?;
        let schemas = self.schemas();
        if document {
            let schema = schemas
                .fetch(resource, operation)
                .await
                .map_err(CliError::read)?;
            return Ok((*schema.document).clone());
        }
        let location = schemas
            .location(resource, operation)
            .await
            .map_err(CliError::read)?;
        Ok(to_json(&location))
    }

    /// Downloads the manifest schema of `operation` and validates `manifest` locally.
    pub async fn validate_manifest(
        &self,
        manifest: &SkillManifest,
        operation: &str,
    ) -> Result<Value, CliError> {
        let operation = validate::parse_schema_operation(operation).map_err(CliError::read)?;
        self.vendor()?;
        let report = self
            .schemas()
            .validate_manifest(manifest, operation)
            .await
            .map_err(CliError::read)?;
        Ok(report_json(&report))
    }

    /// createDiscoverySession, then optionally wait for it.
    pub async fn create_discovery(
        &self,
        unit: &str,
        skill_id: &str,
        stage: &str,
        region: Region,
        wait: bool,
    ) -> Result<Created, CliError> {
        let stage = validate::parse_stage(stage).map_err(CliError::read)?;
        let discovery = self.smapi.discovery(region);
        let session = discovery
            .create_session(unit, EndpointReporter::skill(skill_id, stage))
            .await
            .map_err(CliError::write)?;
        let mut json = json!({
            "id": session.id,
            "location": session.location,
            "region": region.as_str(),
        });
        if wait {
            self.waiting(discovery.wait(&session.id))
                .await
                .map_err(CliError::read)?;
            json["status"] = Value::from("SUCCEEDED");
        }
        Ok(Created {
            id: session.id,
            json,
        })
    }

    /// getDiscoverySession.
    pub async fn discovery_status(&self, id: &str, region: Region) -> Result<Value, CliError> {
        let status = self
            .smapi
            .discovery(region)
            .status(id)
            .await
            .map_err(CliError::read)?;
        Ok(json!({ "id": id, "region": region.as_str(), "status": { "value": to_json(&status) } }))
    }
}

/// Validates against a saved schema document, with no network.
pub fn validate_offline(schema: &Value, manifest: &SkillManifest) -> Result<Value, CliError> {
    let report = alexa_smapi::api::resource_schema::validate_against(schema, manifest)
        .map_err(|e| CliError::input("--schema-file", e.to_string()))?;
    Ok(report_json(&report))
}

fn report_json(report: &alexa_smapi::api::ValidationReport) -> Value {
    let violations: Vec<Value> = report
        .violations
        .iter()
        .map(|v| {
            json!({
                "pointer": v.pointer,
                "schemaPointer": v.schema_pointer,
                "message": v.message,
            })
        })
        .collect();
    json!({ "valid": report.is_valid(), "violations": violations })
}

/// Parses `--region` / `--country` (default NA).
pub fn region(region: Option<&str>, country: Option<&str>) -> Result<Region, CliError> {
    if let Some(country) = country {
        return validate::parse_country(country).map_err(CliError::read);
    }
    match region.map(str::to_ascii_lowercase).as_deref() {
        None | Some("na") => Ok(Region::Na),
        Some("eu") => Ok(Region::Eu),
        Some("fe") => Ok(Region::Fe),
        Some(other) => Err(CliError::input(
            "--region",
            format!("must be na, eu or fe, got `{other}`"),
        )),
    }
}

/// A poll policy for `--wait`.
pub fn poll_policy(timeout: Duration, first_interval: Option<Duration>) -> PollPolicy {
    let policy = PollPolicy::default().timeout(timeout);
    match first_interval {
        Some(i) => policy
            .initial_interval(i)
            .max_interval(i.max(Duration::from_secs(1)) * 4),
        None => policy,
    }
}

/// The parts of an error a report shows.
#[derive(Debug, Default)]
pub struct Details {
    /// The operation (`operationId`).
    pub operation: Option<&'static str>,
    /// HTTP status.
    pub status: Option<u16>,
    /// The server's error code.
    pub code: Option<String>,
    /// The server's message.
    pub server_message: Option<String>,
    /// The violations or build errors the server listed, as it sent them (`code`,
    /// `message`, ...).
    pub violations: Vec<Value>,
    /// What to do next, when the library says (an outcome it could not settle).
    pub advice: Option<&'static str>,
}

/// Takes an error apart for the report.
pub fn details(error: &Error) -> Details {
    let mut d = Details {
        operation: error.operation(),
        status: error.status(),
        code: error.code().map(str::to_owned),
        server_message: error.server_message().map(str::to_owned),
        violations: error.violations().iter().map(to_json).collect(),
        ..Details::default()
    };
    match error {
        Error::BuildFailed { errors, .. } => {
            d.violations = errors.iter().map(to_json).collect();
        }
        Error::OutcomeUnknown { advice, .. } => d.advice = Some(advice),
        _ => {}
    }
    d
}

/// A violation (or build error) as one line for a person: `CODE: message`.
pub fn violation_line(v: &Value) -> String {
    let message = v["message"].as_str().unwrap_or_default();
    match v["code"].as_str() {
        Some(code) => format!("{code}: {message}"),
        None => message.to_owned(),
    }
}

/// The exit code of a library error from a read or a write.
pub fn classify(error: &Error, call: Call) -> Exit {
    match error {
        Error::Validation { .. } => Exit::Validation,
        Error::NotFound { .. } => Exit::NotFound,
        Error::PreconditionFailed { .. } => Exit::PreconditionFailed,
        Error::RateLimited { .. } => Exit::RateLimited,
        Error::Unauthorized { .. } | Error::Auth { .. } => Exit::Unauthorized,
        Error::BuildFailed { .. }
        | Error::PublicationFailed { .. }
        | Error::DiscoveryFailed { .. } => Exit::WorkFailed,
        Error::WaitTimeout { .. } => Exit::WaitTimeout,
        Error::OutcomeUnknown { .. } => Exit::OutcomeUnknown,
        Error::Timeout { .. } | Error::Transport { .. } if call == Call::Write => {
            Exit::OutcomeUnknown
        }
        Error::Timeout { .. } | Error::Transport { .. } => Exit::ServerError,
        Error::Config { .. } | Error::Decode { .. } | Error::UrlExpired { .. } => Exit::Failure,
        other => match other.status() {
            Some(400) => Exit::Validation,
            Some(401 | 403) => Exit::Unauthorized,
            Some(404) => Exit::NotFound,
            Some(409 | 412) => Exit::PreconditionFailed,
            Some(429) => Exit::RateLimited,
            Some(500..=599) => Exit::ServerError,
            _ if other.is_retryable() => Exit::ServerError,
            _ => Exit::Failure,
        },
    }
}

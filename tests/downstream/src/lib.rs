//! What a dependent writes against alexa-smapi: it builds the request types, reads the
//! response types and matches the enums, including the wrapper's `Error`. None of it may stop
//! compiling when the spec gains an optional field or an enum value.

use alexa_smapi::generated::open_enums::{BuildStatus, PublicationStatus};
use alexa_smapi::types::{
    self, CreateDiscoverySessionRequest, CreateSkillRequest, EndpointReporterBody,
    EndpointReporterType, LastUpdateRequest, PublishSkillRequest, SchemaOperation,
    SchemaResource, SkillEndpointReporter, SkillManifest, SkillStatus, SkillSummary,
    UnpublishReason, UnpublishSkillRequest, UnpublishType,
};
use alexa_smapi::{Error, SkillId, Stage, VendorId};

/// Request bodies, built the way the crate documents: builders and `Default`.
pub fn requests() -> Result<Vec<serde_json::Value>, String> {
    // A manifest as a service usually gets one: from JSON (skill.json) or from the server.
    let manifest: SkillManifest =
        serde_json::from_value(serde_json::json!({})).map_err(|e| e.to_string())?;
    let create: CreateSkillRequest = CreateSkillRequest::builder()
        .manifest(manifest.clone())
        .vendor_id(VendorId::from("M1VENDOR"))
        .try_into()
        .map_err(|e| format!("{e}"))?;
    let publish: PublishSkillRequest = PublishSkillRequest::builder()
        .try_into()
        .map_err(|e| format!("{e}"))?;
    let unpublish: UnpublishSkillRequest = UnpublishSkillRequest::builder()
        .type_(UnpublishType::Hide)
        .reason(UnpublishReason::Other)
        .try_into()
        .map_err(|e| format!("{e}"))?;
    let reporter: SkillEndpointReporter = SkillEndpointReporter::builder()
        .skill_id(SkillId::from("amzn1.ask.skill.1"))
        .skill_stage(Some(Stage::Live))
        .try_into()
        .map_err(|e| format!("{e}"))?;
    let body: EndpointReporterBody = EndpointReporterBody::builder()
        .type_(EndpointReporterType::Skill)
        .value(reporter)
        .try_into()
        .map_err(|e| format!("{e}"))?;
    let discovery: CreateDiscoverySessionRequest = CreateDiscoverySessionRequest::builder()
        .endpoint_reporter(body)
        .try_into()
        .map_err(|e| format!("{e}"))?;
    let mut edited = manifest;
    edited.manifest_version = Some("1.0".to_owned());
    [
        serde_json::to_value(create),
        serde_json::to_value(publish),
        serde_json::to_value(unpublish),
        serde_json::to_value(discovery),
        serde_json::to_value(edited),
    ]
    .into_iter()
    .map(|v| v.map_err(|e| e.to_string()))
    .collect()
}

/// Responses, read field by field.
pub fn describe_summary(s: &SkillSummary) -> String {
    let stage = match &s.stage {
        Some(Stage::Development) => "development",
        Some(Stage::Certified) => "certified",
        Some(Stage::Live) => "live",
        Some(Stage::Unknown(other)) => other.as_str(),
        Some(_) => "newer stage",
        None => "no stage",
    };
    let dev = s.stage == Some(Stage::Development);
    format!("{} {stage} {dev}", s.skill_id)
}

/// A build status, read with every enum matched.
pub fn build_state(status: &SkillStatus) -> Vec<&'static str> {
    let mut states = Vec::new();
    let last: Option<&LastUpdateRequest> = status
        .manifest
        .as_ref()
        .and_then(|m| m.last_update_request.as_ref());
    if let Some(last) = last {
        states.push(match last.status {
            BuildStatus::InProgress => "in progress",
            BuildStatus::Succeeded => "succeeded",
            BuildStatus::Failed => "failed",
            _ => "other",
        });
        if last.build_details.is_some() {
            states.push("has details");
        }
    }
    states
}

/// Closed enums of requests and open enums of responses, matched.
pub fn names(
    publication: &PublicationStatus,
    resource: SchemaResource,
    operation: SchemaOperation,
    kind: UnpublishType,
) -> [&'static str; 4] {
    [
        match publication {
            PublicationStatus::Succeeded => "succeeded",
            PublicationStatus::Failed => "failed",
            _ => "other",
        },
        match resource {
            SchemaResource::Manifest => "manifest",
            _ => "other",
        },
        match operation {
            SchemaOperation::CreateSkill => "create",
            _ => "other",
        },
        match kind {
            UnpublishType::Hide => "hide",
            UnpublishType::Remove => "remove",
            _ => "other",
        },
    ]
}

/// The crate's one error, matched with what a service reads from it.
pub fn explain(e: &Error) -> String {
    match e {
        Error::NotFound { code, message, .. } => format!("gone: {code:?} {message}"),
        Error::PreconditionFailed { .. } => "changed meanwhile".to_owned(),
        Error::Api {
            status, violations, ..
        } => format!("{status}: {} problem(s)", violations.len()),
        Error::Validation { field, rule } => format!("{field}: {rule}"),
        other => {
            let cause = std::error::Error::source(other).map(|s| s.to_string());
            format!("{other} ({cause:?}, retryable {})", other.is_retryable())
        }
    }
}

/// The raw client's error, named as the crate names it.
pub fn raw_error_status(e: &alexa_smapi::generated::RawError<types::ServerError>) -> Option<u16> {
    e.status().map(|s| s.as_u16())
}

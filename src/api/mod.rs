//! Handlers, one per reference page: validate inputs → call the generated builder → map the
//! answer into plain values and [`crate::Error`].

pub mod discovery;
pub mod publishing;
pub mod resource_schema;
pub mod skills;
mod write;

pub use discovery::{Discovery, DiscoverySessionRef, EndpointReporter, WaitDiscovery};
pub use publishing::{Publishing, SubmitPublication, WaitPublished};
pub use resource_schema::{ResourceSchema, ResourceSchemas, SchemaViolation, ValidationReport};
pub use skills::{
    Accepted, CreateSkill, CreatedSkill, ManifestWithEtag, Skills, UpdateManifest, WaitBuilt,
};

use reqwest::header::HeaderMap;

/// A response header as a string.
pub(crate) fn header(
    headers: &HeaderMap,
    name: impl reqwest::header::AsHeaderName,
) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

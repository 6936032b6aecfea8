//! Which SMAPI operation a request is, and which region it targets.
//!
//! Classification happens once per request, before routing, so that counters, fault scripts,
//! rate limiting, the recorder and the log line all agree on the operation ID.

use std::fmt;
use std::str::FromStr;

use axum::http::Method;
use serde::{Deserialize, Serialize};

/// An operation the simulator serves, named by the `operationId` used in `openapi/smapi.yaml`
/// (plus `lwaToken` for the Login with Amazon token endpoint and `presignedSchema` for the
/// presigned schema documents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `GET /v1/skills/{skillId}/stages/{stage}/manifest`
    GetSkillManifest,
    /// `PUT /v1/skills/{skillId}/stages/{stage}/manifest`
    UpdateSkillManifest,
    /// `POST /v1/skills`
    CreateSkillForVendor,
    /// `GET /v1/skills/{skillId}/status`
    GetSkillStatus,
    /// `GET /v1/skills`
    ListSkillsForVendor,
    /// `DELETE /v1/skills/{skillId}` (and the trailing-slash form)
    DeleteSkill,
    /// `GET /v1/skills/{skillId}/publications/~latest`
    GetSkillPublication,
    /// `POST /v1/skills/{skillId}/publications`
    PublishSkill,
    /// `POST /v1/skills/{skillId}/unpublish`
    UnpublishSkill,
    /// `GET /v1/skills/resourceSchema/{resource}`
    GetResourceSchema,
    /// `POST /v1/discoverySessions`
    CreateDiscoverySession,
    /// `GET /v1/discoverySessions/{id}`
    GetDiscoverySession,
    /// `POST /auth/o2/token` (Login with Amazon)
    LwaToken,
    /// `GET /_presigned/schemas/{resource}` (the URL handed out by the resource schema API)
    PresignedSchema,
}

impl Operation {
    /// Every operation, in a fixed order (the order of [`Operation::index`]).
    pub const ALL: [Operation; 14] = [
        Operation::GetSkillManifest,
        Operation::UpdateSkillManifest,
        Operation::CreateSkillForVendor,
        Operation::GetSkillStatus,
        Operation::ListSkillsForVendor,
        Operation::DeleteSkill,
        Operation::GetSkillPublication,
        Operation::PublishSkill,
        Operation::UnpublishSkill,
        Operation::GetResourceSchema,
        Operation::CreateDiscoverySession,
        Operation::GetDiscoverySession,
        Operation::LwaToken,
        Operation::PresignedSchema,
    ];

    /// The operation ID, e.g. `getSkillManifest`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::GetSkillManifest => "getSkillManifest",
            Operation::UpdateSkillManifest => "updateSkillManifest",
            Operation::CreateSkillForVendor => "createSkillForVendor",
            Operation::GetSkillStatus => "getSkillStatus",
            Operation::ListSkillsForVendor => "listSkillsForVendor",
            Operation::DeleteSkill => "deleteSkill",
            Operation::GetSkillPublication => "getSkillPublication",
            Operation::PublishSkill => "publishSkill",
            Operation::UnpublishSkill => "unpublishSkill",
            Operation::GetResourceSchema => "getResourceSchema",
            Operation::CreateDiscoverySession => "createDiscoverySession",
            Operation::GetDiscoverySession => "getDiscoverySession",
            Operation::LwaToken => "lwaToken",
            Operation::PresignedSchema => "presignedSchema",
        }
    }

    /// Position in [`Operation::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the operation needs an LWA bearer token (everything except the token endpoint
    /// itself and presigned URLs).
    pub fn requires_auth(self) -> bool {
        !matches!(self, Operation::LwaToken | Operation::PresignedSchema)
    }

    /// Which error body shape the operation answers with.
    pub(crate) fn error_family(self) -> crate::error::ErrorFamily {
        use crate::error::ErrorFamily;
        match self {
            Operation::CreateDiscoverySession | Operation::GetDiscoverySession => {
                ErrorFamily::Discovery
            }
            Operation::LwaToken => ErrorFamily::OAuth,
            _ => ErrorFamily::Smapi,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string was not one of the operation IDs in [`Operation::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown operation ID `{0}` (expected one of getSkillManifest, updateSkillManifest, createSkillForVendor, getSkillStatus, listSkillsForVendor, deleteSkill, getSkillPublication, publishSkill, unpublishSkill, getResourceSchema, createDiscoverySession, getDiscoverySession, lwaToken, presignedSchema)"
)]
pub struct UnknownOperation(pub String);

impl FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .iter()
            .copied()
            .find(|op| op.as_str() == s)
            .ok_or_else(|| UnknownOperation(s.to_owned()))
    }
}

/// Names the operation for a method and a path (the path without any region prefix).
/// `None` for admin endpoints and for anything the simulator does not serve.
pub fn classify(method: &Method, path: &str) -> Option<Operation> {
    let trimmed = path.strip_prefix('/')?;
    let mut segments: Vec<&str> = trimmed.split('/').collect();
    // `DELETE /v1/skills/{id}/` is the page's spelling; treat a trailing slash as absent.
    if segments.len() > 1 && segments.last() == Some(&"") {
        segments.pop();
    }
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    if method == Method::POST
        && segments.len() == 3
        && ["auth", "o2", "token"]
            .iter()
            .zip(&segments)
            .all(|(want, got)| want.eq_ignore_ascii_case(got))
    {
        // Login with Amazon matches its path case-insensitively (the Node SMAPI SDK posts to
        // `/auth/O2/token`).
        return Some(Operation::LwaToken);
    }
    let op = match (method.as_str(), segments.as_slice()) {
        ("GET", ["_presigned", "schemas", _]) => Operation::PresignedSchema,
        ("GET", ["v1", "skills"]) => Operation::ListSkillsForVendor,
        ("POST", ["v1", "skills"]) => Operation::CreateSkillForVendor,
        ("GET", ["v1", "skills", "resourceSchema", _]) => Operation::GetResourceSchema,
        ("DELETE", ["v1", "skills", _]) => Operation::DeleteSkill,
        ("GET", ["v1", "skills", _, "status"]) => Operation::GetSkillStatus,
        ("GET", ["v1", "skills", _, "stages", _, "manifest"]) => Operation::GetSkillManifest,
        ("PUT", ["v1", "skills", _, "stages", _, "manifest"]) => Operation::UpdateSkillManifest,
        ("GET", ["v1", "skills", _, "publications", "~latest"]) => Operation::GetSkillPublication,
        ("POST", ["v1", "skills", _, "publications"]) => Operation::PublishSkill,
        ("POST", ["v1", "skills", _, "unpublish"]) => Operation::UnpublishSkill,
        ("POST", ["v1", "discoverySessions"]) => Operation::CreateDiscoverySession,
        ("GET", ["v1", "discoverySessions", _]) => Operation::GetDiscoverySession,
        _ => return None,
    };
    Some(op)
}

/// A discovery-session region. Sessions are visible only in the region that created them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Region {
    /// North America: `api.amazonalexa.com`, path prefix `/na`, and the default.
    Na,
    /// Europe: `api.eu.amazonalexa.com`, path prefix `/eu`.
    Eu,
    /// Far East: `api.fe.amazonalexa.com`, path prefix `/fe`.
    Fe,
}

impl Region {
    /// The path prefix that selects this region (`/na`, `/eu`, `/fe`).
    pub fn path_prefix(self) -> &'static str {
        match self {
            Region::Na => "/na",
            Region::Eu => "/eu",
            Region::Fe => "/fe",
        }
    }

    /// `NA`, `EU` or `FE`.
    pub fn name(self) -> &'static str {
        match self {
            Region::Na => "NA",
            Region::Eu => "EU",
            Region::Fe => "FE",
        }
    }

    /// The region a `Host` header names; loopback and unknown hosts are North America.
    pub fn from_host(host: &str) -> Region {
        let name = host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        });
        match name.to_ascii_lowercase().as_str() {
            "api.eu.amazonalexa.com" => Region::Eu,
            "api.fe.amazonalexa.com" => Region::Fe,
            _ => Region::Na,
        }
    }
}

/// Splits a `/na`, `/eu` or `/fe` prefix off a path that continues with `/v1/` or equals the
/// prefix followed by `/v1`. Returns the region (if any) and the rest of the path.
pub fn strip_region_prefix(path: &str) -> (Option<Region>, &str) {
    for region in [Region::Na, Region::Eu, Region::Fe] {
        if let Some(rest) = path.strip_prefix(region.path_prefix())
            && (rest.starts_with("/v1/") || rest == "/v1")
        {
            return (Some(region), rest);
        }
    }
    (None, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_route() {
        let cases = [
            (
                "GET",
                "/v1/skills/a/stages/development/manifest",
                Operation::GetSkillManifest,
            ),
            (
                "PUT",
                "/v1/skills/a/stages/live/manifest",
                Operation::UpdateSkillManifest,
            ),
            ("POST", "/v1/skills", Operation::CreateSkillForVendor),
            ("GET", "/v1/skills/a/status", Operation::GetSkillStatus),
            ("GET", "/v1/skills", Operation::ListSkillsForVendor),
            ("DELETE", "/v1/skills/a", Operation::DeleteSkill),
            ("DELETE", "/v1/skills/a/", Operation::DeleteSkill),
            (
                "GET",
                "/v1/skills/a/publications/~latest",
                Operation::GetSkillPublication,
            ),
            ("POST", "/v1/skills/a/publications", Operation::PublishSkill),
            ("POST", "/v1/skills/a/unpublish", Operation::UnpublishSkill),
            (
                "GET",
                "/v1/skills/resourceSchema/manifest",
                Operation::GetResourceSchema,
            ),
            (
                "POST",
                "/v1/discoverySessions",
                Operation::CreateDiscoverySession,
            ),
            (
                "GET",
                "/v1/discoverySessions/x",
                Operation::GetDiscoverySession,
            ),
            ("POST", "/auth/o2/token", Operation::LwaToken),
            ("POST", "/auth/O2/token", Operation::LwaToken),
            ("POST", "/AUTH/o2/Token/", Operation::LwaToken),
            (
                "GET",
                "/_presigned/schemas/manifest",
                Operation::PresignedSchema,
            ),
        ];
        for (method, path, op) in cases {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(classify(&method, path), Some(op), "{method} {path}");
        }
        assert_eq!(classify(&Method::GET, "/_sim/counters"), None);
        assert_eq!(classify(&Method::PATCH, "/v1/skills"), None);
        assert_eq!(classify(&Method::GET, "/v1/skills//status"), None);
    }

    #[test]
    fn regions_from_host_and_prefix() {
        assert_eq!(Region::from_host("api.eu.amazonalexa.com"), Region::Eu);
        assert_eq!(Region::from_host("API.FE.AMAZONALEXA.COM:443"), Region::Fe);
        assert_eq!(Region::from_host("api.amazonalexa.com"), Region::Na);
        assert_eq!(Region::from_host("127.0.0.1:4010"), Region::Na);
        assert_eq!(
            strip_region_prefix("/eu/v1/discoverySessions"),
            (Some(Region::Eu), "/v1/discoverySessions")
        );
        assert_eq!(strip_region_prefix("/euro/v1/x"), (None, "/euro/v1/x"));
        assert_eq!(strip_region_prefix("/v1/skills"), (None, "/v1/skills"));
        for op in Operation::ALL {
            assert_eq!(op.as_str().parse::<Operation>(), Ok(op));
            assert_eq!(Operation::ALL[op.index()], op);
        }
    }
}

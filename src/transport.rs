//! Transport hooks: the one place every request passes through on its way out.
//!
//! progenitor calls [`ClientHooks::pre`] on each request built by the generated client, and
//! [`ClientHooks::exec`] to send it. Here that means:
//! - removing the `api-version` header progenitor adds (SMAPI does not define it);
//! - sending `Accept: application/json+hal` on `listSkillsForVendor`, as the page documents;
//! - adding `Authorization: Bearer …`.

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};

use crate::generated::Client;

/// The operation whose documented response media type is `application/json+hal`
/// (progenitor reports operation IDs in snake case).
const HAL_OPERATION: &str = "list_skills_for_vendor";

/// State the generated client carries into every request (its progenitor "inner type").
#[derive(Clone, Default)]
pub struct Transport {
    bearer: Option<HeaderValue>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("bearer", &self.bearer.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Transport {
    /// A transport that sends no `Authorization` header.
    pub fn unauthenticated() -> Self {
        Self::default()
    }

    /// A transport that sends `token` as a bearer token on every request.
    ///
    /// Returns `None` when `token` cannot be a header value (control characters).
    pub fn with_access_token(token: &str) -> Option<Self> {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
        value.set_sensitive(true);
        Some(Self {
            bearer: Some(value),
        })
    }
}

impl ClientHooks<Transport> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.remove("api-version");
        if info.operation_id == HAL_OPERATION {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json+hal"));
        }
        if let Some(bearer) = &self.inner.bearer {
            headers.insert(AUTHORIZATION, bearer.clone());
        }
        Ok(())
    }
}

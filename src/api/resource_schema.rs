//! Resource Schema (`resource-schema-api.txt`): download the manifest JSON Schema and
//! validate manifests locally, before any create or update.
//!
//! The schema document lives behind a short-lived presigned URL on another host. It is
//! fetched with a separate HTTP client that never carries the SMAPI `Authorization` header,
//! and only before the URL's `expiryTime`. Documents are cached per vendor, resource and
//! operation until that time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Value;

#[cfg(feature = "resource-schema-validation")]
use crate::generated::types::SkillManifest;
use crate::generated::types::{ResourceSchemaLocation, SchemaOperation, SchemaResource};
use crate::{Error, Smapi, VendorId, validate};

type Key = (VendorId, SchemaResource, Option<SchemaOperation>);

/// Cached schema documents, until their URL's expiry.
#[derive(Default)]
pub(crate) struct Cache(Mutex<HashMap<Key, ResourceSchema>>);

/// A downloaded resource schema.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceSchema {
    /// The JSON document.
    pub document: Arc<Value>,
    /// When the URL it came from expired (the document is refreshed after that).
    pub expires_at: DateTime<Utc>,
}

/// One way a manifest breaks the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaViolation {
    /// JSON pointer into the manifest (`/publishingInformation/locales/en-US/name`; empty for
    /// the root).
    pub pointer: String,
    /// JSON pointer of the schema keyword that failed.
    pub schema_pointer: String,
    /// What is wrong.
    pub message: String,
}

/// The outcome of a local manifest validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// Every violation found (empty when valid).
    pub violations: Vec<SchemaViolation>,
}

impl ValidationReport {
    /// Whether the manifest satisfied the schema.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Resource Schema operations. Get one with [`Smapi::resource_schema`].
///
/// Every call is for the vendor ID the client was configured with
/// ([`SmapiBuilder::vendor_id`](crate::SmapiBuilder::vendor_id), `ASK_VENDOR_ID`, the ASK CLI
/// profile), unless [`ResourceSchemas::vendor_id`] names another for this handle.
#[derive(Clone, Copy, Debug)]
pub struct ResourceSchemas<'a> {
    smapi: &'a Smapi,
    vendor_id: Option<&'a str>,
}

impl<'a> ResourceSchemas<'a> {
    pub(crate) fn new(smapi: &'a Smapi) -> Self {
        ResourceSchemas {
            smapi,
            vendor_id: None,
        }
    }

    /// Use `vendor_id` instead of the configured vendor ID for the calls made through this
    /// handle.
    pub fn vendor_id(mut self, vendor_id: &'a str) -> Self {
        self.vendor_id = Some(vendor_id);
        self
    }

    /// This handle's vendor ID, else the client's, checked; [`Error::Validation`] for
    /// `vendorId` when neither is set.
    fn vendor(&self) -> Result<VendorId, Error> {
        validate::required_vendor_id(
            self.vendor_id
                .or(self.smapi.vendor_id())
                .map(VendorId::from),
        )
    }

    /// Where to download a schema, and until when (`getResourceSchema`). `operation` is
    /// required for [`SchemaResource::Manifest`].
    pub async fn location(
        self,
        resource: SchemaResource,
        operation: Option<SchemaOperation>,
    ) -> Result<ResourceSchemaLocation, Error> {
        let vendor_id = self.vendor()?;
        if resource == SchemaResource::Manifest && operation.is_none() {
            return Err(Error::Validation {
                field: "operation",
                rule: "required when resource is manifest".into(),
            });
        }
        let mut request = self
            .smapi
            .raw()
            .get_resource_schema()
            .vendor_id(&vendor_id)
            .resource(resource);
        if let Some(op) = operation {
            request = request.operation(op);
        }
        let answer = crate::retry::resend_undecodable(
            self.smapi.retry_policy(),
            "getResourceSchema",
            || request.clone().send(),
        )
        .await;
        match answer {
            Ok(rv) => Ok(rv.into_inner()),
            Err(e) => Err(Box::pin(Error::from_generated("getResourceSchema", e)).await),
        }
    }

    /// Downloads a schema document: asks for its location, then fetches the presigned URL
    /// without credentials, before it expires. Cached until the expiry.
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::types::{SchemaOperation, SchemaResource};
    /// let schema = smapi.resource_schema()
    ///     .fetch(SchemaResource::Manifest, Some(SchemaOperation::SubmitSkill)).await?;
    /// println!("{}", schema.document["$schema"]);
    /// # Ok(()) }
    /// ```
    pub async fn fetch(
        self,
        resource: SchemaResource,
        operation: Option<SchemaOperation>,
    ) -> Result<ResourceSchema, Error> {
        let vendor_id = self.vendor()?;
        let key = (vendor_id, resource, operation);
        if let Some(hit) = self.cached(&key) {
            return Ok(hit);
        }
        // An URL that expired on its way to us is asked for once more.
        let mut location = self.location(resource, operation).await?;
        if location.expiry_time <= Utc::now() {
            location = self.location(resource, operation).await?;
            if location.expiry_time <= Utc::now() {
                return Err(Error::UrlExpired {
                    operation: "getResourceSchema",
                    expired_at: location.expiry_time,
                });
            }
        }
        let document = self.download(&location).await?;
        let schema = ResourceSchema {
            document: Arc::new(document),
            expires_at: location.expiry_time,
        };
        self.smapi
            .inner
            .schema_cache
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, schema.clone());
        Ok(schema)
    }

    /// Downloads the manifest schema of `operation` and validates `manifest` against it
    /// (feature `resource-schema-validation`, on by default).
    ///
    /// ```no_run
    /// # async fn demo(smapi: alexa_smapi::Smapi, manifest: alexa_smapi::types::SkillManifest) -> Result<(), alexa_smapi::Error> {
    /// use alexa_smapi::types::SchemaOperation;
    /// let report = smapi.resource_schema()
    ///     .validate_manifest(&manifest, SchemaOperation::SubmitSkill).await?;
    /// for v in &report.violations { eprintln!("{}: {}", v.pointer, v.message); }
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "resource-schema-validation")]
    pub async fn validate_manifest(
        self,
        manifest: &SkillManifest,
        operation: SchemaOperation,
    ) -> Result<ValidationReport, Error> {
        let schema = self
            .fetch(SchemaResource::Manifest, Some(operation))
            .await?;
        validate_against(&schema.document, manifest)
    }

    fn cached(&self, key: &Key) -> Option<ResourceSchema> {
        let mut cache = self
            .smapi
            .inner
            .schema_cache
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match cache.get(key) {
            Some(hit) if hit.expires_at > Utc::now() => Some(hit.clone()),
            Some(_) => {
                cache.remove(key);
                None
            }
            None => None,
        }
    }

    async fn download(&self, location: &ResourceSchemaLocation) -> Result<Value, Error> {
        const OP: &str = "getResourceSchema";
        let url = self
            .smapi
            .check_url("schemaLocationUrl", &location.schema_location_url)?;
        let span = tracing::debug_span!(
            "smapi.presigned",
            host = url.host_str().unwrap_or(""),
            path = url.path()
        );
        let _entered = span.enter();
        // The plain client: no Authorization header, no redirects (a presigned URL must not
        // bounce us elsewhere).
        let response = self
            .smapi
            .inner
            .plain
            .get(url)
            .send()
            .await
            .map_err(|e| crate::error::from_reqwest(OP, e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| crate::error::from_reqwest(OP, e))?;
        if !status.is_success() {
            return Err(Error::Api {
                operation: OP,
                status: status.as_u16(),
                code: None,
                message: format!(
                    "schema download answered {}: {}",
                    status.as_u16(),
                    // Storage errors can echo the presigned signature.
                    crate::redact::generic(&String::from_utf8_lossy(&body))
                        .chars()
                        .take(300)
                        .collect::<String>()
                ),
                violations: Vec::new(),
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| Error::decode(OP, format!("schema document is not JSON: {e}"), e))
    }
}

/// Validates `manifest` against a JSON Schema document, locally (feature
/// `resource-schema-validation`, on by default: it links the `jsonschema` crate). A schema whose root
/// requires a `manifest` property (Amazon's `skill.json` shape) is applied to the envelope
/// `{"manifest": …}`; any other is applied to the manifest itself.
///
/// ```
/// use alexa_smapi::api::resource_schema::validate_against;
/// let schema = serde_json::json!({"type": "object", "required": ["manifestVersion"]});
/// let manifest = serde_json::from_value(serde_json::json!({"publishingInformation": {}}))?;
/// let report = validate_against(&schema, &manifest)?;
/// assert!(!report.is_valid());
/// assert_eq!(report.violations[0].pointer, "");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "resource-schema-validation")]
pub fn validate_against(
    schema: &Value,
    manifest: &SkillManifest,
) -> Result<ValidationReport, Error> {
    let validator = jsonschema::validator_for(schema).map_err(|e| Error::Decode {
        operation: "getResourceSchema",
        message: format!("schema document is not a usable JSON Schema: {e}"),
        source: None,
    })?;
    let manifest = serde_json::to_value(manifest)
        .map_err(|e| Error::decode("validateManifest", e.to_string(), e))?;
    let wants_envelope = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v == "manifest"));
    let instance = if wants_envelope {
        serde_json::json!({ "manifest": manifest })
    } else {
        manifest
    };
    let violations = validator
        .iter_errors(&instance)
        .map(|e| SchemaViolation {
            pointer: e.instance_path.to_string(),
            schema_pointer: e.schema_path.to_string(),
            message: e.to_string(),
        })
        .collect();
    Ok(ValidationReport { violations })
}

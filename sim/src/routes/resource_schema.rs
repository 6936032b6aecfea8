//! Resource Schema page: presigned-style URLs to the manifest JSON Schema and the package
//! structure, and the presigned endpoint that serves them (no `Authorization` needed).
//!
//! URL shape: `{base}/_presigned/schemas/{resource}?operation=OP&expires=UNIX&signature=HEX`,
//! where the signature is HMAC-SHA256 over `resource|operation|expires` with the simulator's
//! key. A changed parameter or signature answers 403; so does a URL past `expires`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{query_pairs, query_value};
use crate::auth::Caller;
use crate::error::{ApiError, json_response};
use crate::schema::{SCHEMA_OPERATIONS, SCHEMA_RESOURCES};
use crate::sim::{Sim, later, rfc3339};

fn signed_message(resource: &str, operation: &str, expires: i64) -> String {
    format!("{resource}|{operation}|{expires}")
}

/// `GET /v1/skills/resourceSchema/{resource}`
pub(crate) async fn get(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(resource): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    if !SCHEMA_RESOURCES.contains(&resource.as_str()) {
        return Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!("resource (path) must be manifest or skillPackageStructure, got `{resource}`"),
        ));
    }
    let pairs = query_pairs(raw.as_deref());
    let vendor_id =
        query_value(&pairs, "vendorId").ok_or_else(|| ApiError::missing("vendorId", "query"))?;
    if vendor_id.is_empty() {
        return Err(ApiError::bad_request(
            "INVALID_STRING_LENGTH",
            "vendorId (query) must not be empty",
        ));
    }
    let operation = query_value(&pairs, "operation");
    if let Some(op) = operation
        && !SCHEMA_OPERATIONS.contains(&op)
    {
        return Err(ApiError::bad_request(
            "INVALID_ENUM_VALUE",
            format!(
                "operation (query) must be one of CREATE_SKILL, UPDATE_SKILL, ENABLE_SKILL, SUBMIT_SKILL, got `{op}`"
            ),
        ));
    }
    let operation = match (resource.as_str(), operation) {
        ("manifest", None) => {
            return Err(ApiError::bad_request(
                "MISSING_PARAMETER",
                "operation (query) is required when resource is manifest",
            ));
        }
        ("manifest", Some(op)) => op,
        // Ignored for the package structure.
        _ => "",
    };
    if vendor_id != caller.vendor_id {
        return Err(ApiError::forbidden(format!(
            "vendorId (query) `{vendor_id}` is not the vendor of the access token"
        )));
    }
    let expires = later(Utc::now(), sim.settings.schema_url_ttl);
    let unix = expires.timestamp();
    let signature = sim.signer.sign(&signed_message(&resource, operation, unix));
    let mut url = format!("{}/_presigned/schemas/{resource}?", sim.base_url);
    if !operation.is_empty() {
        url.push_str(&format!("operation={operation}&"));
    }
    url.push_str(&format!("expires={unix}&signature={signature}"));
    let expiry = DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or(expires);
    Ok(json_response(
        StatusCode::OK,
        &json!({ "expiryTime": rfc3339(expiry), "schemaLocationUrl": url }),
    ))
}

/// `GET /_presigned/schemas/{resource}` (no bearer token; the URL is its own authorisation).
pub(crate) async fn presigned(
    State(sim): State<Arc<Sim>>,
    Path(resource): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(raw.as_deref());
    let operation = query_value(&pairs, "operation").unwrap_or("");
    let (Some(expires), Some(signature)) = (
        query_value(&pairs, "expires"),
        query_value(&pairs, "signature"),
    ) else {
        return Err(ApiError::forbidden(
            "the URL is not signed: expires and signature (query) are required",
        ));
    };
    let Ok(expires_unix) = expires.parse::<i64>() else {
        return Err(ApiError::forbidden(
            "expires (query) is not a Unix timestamp",
        ));
    };
    if !sim.signer.verify(
        &signed_message(&resource, operation, expires_unix),
        signature,
    ) {
        return Err(ApiError::forbidden(
            "signature (query) does not match the URL; it was changed or not issued by this server",
        ));
    }
    if Utc::now().timestamp() > expires_unix {
        return Err(ApiError::forbidden(format!(
            "the URL expired at {}",
            DateTime::<Utc>::from_timestamp(expires_unix, 0)
                .map_or_else(|| expires.to_owned(), rfc3339)
        )));
    }
    let document = match resource.as_str() {
        "manifest" => sim.schemas.manifest(operation),
        "skillPackageStructure" => Some(sim.schemas.package_structure()),
        _ => None,
    }
    .ok_or_else(|| ApiError::not_found(format!("no schema document for resource `{resource}`")))?;
    let mut response = (StatusCode::OK, document.to_vec()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/schema+json"),
    );
    Ok(response)
}

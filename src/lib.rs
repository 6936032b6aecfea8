//! # alexa-smapi
//!
//! A typed async client for Amazon's Alexa Skill Management API (SMAPI), generated at build
//! time from the hand-maintained OpenAPI spec `openapi/smapi.yaml`, with an ergonomic layer
//! that handles tokens, retries, paging, ETags, polling and validation for you.
//!
//! ```no_run
//! use alexa_smapi::{Smapi, Stage};
//! use futures::TryStreamExt;
//! # async fn demo() -> Result<(), alexa_smapi::Error> {
//! let smapi = Smapi::from_env()?;                       // ASK_* variables, as the ASK CLI reads them
//! // For the configured vendor (ASK_VENDOR_ID); `.skills().vendor_id("M2..")` for another.
//! let skills: Vec<_> = smapi.skills().list().stream().try_collect().await?;
//! let m = smapi.skills().manifest(&skills[0].skill_id, Stage::Development).await?;
//! smapi.skills().modify_manifest(&skills[0].skill_id, |m| {
//!     m.manifest_version = Some("1.0".into());
//! }).await?;                                            // GET → edit → PUT If-Match, retried on 412
//! # let _ = m; Ok(()) }
//! ```
//!
//! - [`Smapi`] / [`SmapiBuilder`]: configuration (endpoints, regions, credentials, timeouts,
//!   retry and poll policies).
//! - [`api`]: the handlers, one per reference page ([`Smapi::skills`], [`Smapi::publishing`],
//!   [`Smapi::discovery`], [`Smapi::resource_schema`]).
//! - [`auth`]: token providers (static, Login with Amazon refresh, env, ASK CLI config).
//! - [`retry`], [`poll`], [`validate`], [`Error`]: the policies, the input rules, the error.
//! - [`manifest`]: building, editing and locally validating skill manifests in typed Rust.
//! - [`generated`]: the raw client, one builder method per operation of the spec, reachable
//!   through [`Smapi::raw`] with the same transport.
//! - [`transport`]: what every request passes through (auth, retries, tracing).
//! - [`http_client_builder`]: a `reqwest::ClientBuilder` that can be built (the crate's TLS
//!   stack, rustls with `ring`, installed first), for the raw client with your own settings.
//! - [`spec`]: the spec itself, as text and parsed.
#![warn(missing_docs)]

pub mod api;
pub mod auth;
mod builder_field;
mod byte_class;
mod client;
mod error;
pub mod generated;
mod ids;
pub mod manifest;
mod path_segment;
pub mod poll;
mod redact;
mod replay;
mod response_value;
pub mod retry;
pub mod spec;
mod tls;
pub mod transport;
pub mod validate;

pub use api::{DiscoverySessionRef, EndpointReporter, ManifestWithEtag};
pub use auth::{Credentials, LwaCredentials, Secret, TokenProvider};
pub use client::{
    DEFAULT_BASE_URL, ENV_LWA_TOKEN_HOST, ENV_SMAPI_BASE_URL, Region, Smapi, SmapiBuilder,
};
pub use error::{BoxError, Error, ErrorBody, Result};
pub use generated::open_enums::Stage;
pub use generated::types;
pub use generated::types::{SchemaOperation, SchemaResource, UnpublishReason, UnpublishType};
pub use ids::{SkillId, VendorId};
pub use poll::PollPolicy;
pub use retry::RetryPolicy;
pub use tls::http_client_builder;

/// The README's Rust examples, compiled by `cargo test --doc` so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

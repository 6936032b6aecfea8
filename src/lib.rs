//! # alexa-smapi
//!
//! A typed async client for Amazon's Alexa Skill Management API (SMAPI), generated at build
//! time from the hand-maintained OpenAPI spec `openapi/smapi.yaml`.
//!
//! - [`generated`]: the raw client, one builder method per operation of the spec.
//! - [`spec`]: the spec itself, as text and parsed.
//! - [`transport`]: what every request passes through (headers, authorisation).
#![warn(missing_docs)]

pub mod generated;
pub mod spec;
pub mod transport;

//! The raw client progenitor generates from `openapi/smapi.yaml` at build time (with the
//! default `generate` feature), or the checked-in snapshot of the same code (without it).
//!
//! Every operation of the spec is a builder method on [`Client`], named after its
//! `operationId` in snake case (`get_skill_manifest`, `list_skills_for_vendor`, ...). Types of
//! request and response bodies live in [`types`]; response enumerations that Amazon may extend
//! live in [`open_enums`]. A reviewable copy of this code is checked in at
//! `openapi/generated/client.rs` (`cargo xtask diff` shows how a spec change moves it).
//!
//! Requests made through this client pass through [`crate::transport`], which sets the
//! `Accept` header the spec documents and adds authorisation. progenitor's `api-version`
//! header (SMAPI does not define it) is removed at generation time, and path parameters are
//! percent-encoded as the URL is formatted (codegen's `request_building`).
#![allow(
    missing_docs,
    unused_mut,
    unused_qualifications,
    clippy::all,
    clippy::pedantic
)]

#[cfg(feature = "generate")]
include!(concat!(env!("OUT_DIR"), "/smapi_client.rs"));

#[cfg(not(feature = "generate"))]
include!("../openapi/generated/client.rs");

//! # alexa-smapi-sim
//!
//! A stateful local simulator of the Alexa Skill Management API (SMAPI) and of the Login with
//! Amazon (LWA) token endpoint, for tests and local development. It follows the four reference
//! pages the `alexa-smapi` spec is transcribed from (skill operations, skill publishing,
//! resource schema, discovery sessions), keeps state, builds asynchronously, hands out ETags,
//! paginates, rate-limits and fails on demand.
//!
//! It is its own server-side implementation of the pages: it does not share types with the
//! `alexa-smapi` client, so the two check each other.
//!
//! ## Use from a test
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use alexa_smapi_sim::{Fault, Simulator};
//!
//! let sim = Simulator::builder()
//!     .async_delay(Duration::from_millis(20)) // builds, publications, discovery
//!     .start()
//!     .await?; // listens on 127.0.0.1:<ephemeral port>
//!
//! // Point the client under test at the simulator:
//! //   SMAPI base URL: sim.url()          e.g. http://127.0.0.1:40123
//! //   LWA token URL:  sim.token_url()    e.g. http://127.0.0.1:40123/auth/o2/token
//! //   credentials:    sim.client_id(), sim.client_secret(), sim.default_refresh_token()
//! // or skip LWA with a ready access token:
//! let token = sim.issue_access_token(sim.default_vendor_id());
//!
//! // Script failures for retry tests:
//! sim.fail_next("getSkillManifest", 2, Fault::Unavailable)?;
//!
//! // ... run the code under test ...
//! assert_eq!(sim.counters().operation("getSkillManifest"), 0);
//! sim.shutdown().await?;
//! # let _ = token; Ok(()) }
//! ```
//!
//! ## Run it
//!
//! `cargo run -p alexa-smapi-sim -- --port 4010` (see `--help` for every knob). It prints the
//! base URL and the seeded (fake) LWA credentials.
//!
//! ## Behaviour
//!
//! - **Requests** are checked against the spec before any handler runs (see
//!   `request_rules.rs`): undeclared query parameters, API headers and bodies, missing
//!   required parameters and values or bodies (manifests included) that break their schema
//!   are 400s with one violation per offending JSON path.
//! - **LWA** `POST /auth/o2/token` (path matched case-insensitively; form or JSON body:
//!   `grant_type=refresh_token`, `client_id`, `client_secret`, `refresh_token`) →
//!   `{access_token, refresh_token, token_type: "bearer",
//!   expires_in}`; errors `invalid_request`/`unsupported_grant_type`/`invalid_grant` (400),
//!   `invalid_client` (401).
//! - **Auth** on every `/v1` call: `Authorization: Bearer <token>` (a bare token is accepted
//!   too); 401 when missing, unknown or expired; 403 when the skill, session or `vendorId`
//!   belongs to another vendor (except `listSkillsForVendor`, whose page declares no 403:
//!   a foreign `vendorId` there is a 401).
//! - **Skills**: IDs `amzn1.ask.skill.<uuid>`. Create → 202, `Location:
//!   /v1/skills/{id}/status?resource=manifest`, `{"skillId"}`. The build is `IN_PROGRESS` for
//!   the build delay, then `SUCCEEDED`, or `FAILED` with `errors[].message` when the manifest
//!   breaks a rule of [`validate::manifest_build_errors`] (no string `manifestVersion`, no
//!   locale, or a locale without `name`). Manifests are stored and returned verbatim (unknown
//!   fields kept). GET/PUT manifest bodies are the envelope `{"manifest": {...}}`.
//!   `ETag` is a strong, quoted tag (`"3f2a..."`) that changes on every update; `If-Match`
//!   accepts the quoted or bare tag, `W/` forms, lists and `*`, and may be omitted. Update
//!   only on `development` (400 for `live`), 412 on `If-Match` mismatch (checked first), 409
//!   while a build is in progress. `live` exists only after a successful publication (404
//!   before). Status honours `resource=manifest|interactionModel` (repeatable; anything else
//!   400); `interactionModel` reports one entry per manifest locale. List: content type
//!   `application/json+hal`, `maxResults` 1–50 (default 10), opaque signed `nextToken`
//!   (anything else 400), `skillId` up to 10 and never with `maxResults`/`nextToken`; one
//!   row per skill and stage (`development`, and `live` once published). Delete (with or
//!   without trailing slash) → 204, then 404. `skillId` must be 1–255 characters everywhere.
//! - **Publishing**: `~latest` is 404 until a submission. Submit without a date →
//!   `IN_PROGRESS` for the publication delay, then `SUCCEEDED` (and `live` appears); a future
//!   `publishesAtDate` → `SCHEDULED` until then; a past one counts as now; more than six months
//!   ahead or malformed → 400. A submission whose development build has not `SUCCEEDED` ends
//!   `FAILED`. Unpublish `{type: HIDE|REMOVE, reason: <one of the six page sentences>}` → 202
//!   (404 when the skill has no live stage); the live row then lists as `HIDDEN`/`REMOVED`.
//!   `Accept-Language` (get publication, unpublish) must be `en-US` or `ja-JP` when sent.
//! - **Resource schema**: `{expiryTime, schemaLocationUrl}`, the URL pointing back at the
//!   simulator (`/_presigned/schemas/...`, HMAC-signed, expiring after the schema URL TTL;
//!   tampered or expired → 403; no `Authorization` needed, and one sent is counted in
//!   [`CountersSnapshot::presigned_with_authorization`]). The manifest document is a JSON
//!   Schema derived from `openapi/smapi.yaml` (see [`schema`]).
//! - **Discovery sessions**: IDs `amzn1.alexa.discoverySession.<uuid>`; create → 201,
//!   `Location`, `{"id"}`; `IN_PROGRESS` for the discovery delay, then `SUCCEEDED`. Region: a
//!   path prefix `/na`, `/eu`, `/fe` before `/v1/...` wins (so a client whose base URL is
//!   `http://127.0.0.1:PORT/eu` talks to EU); otherwise the `Host` header
//!   (`api.amazonalexa.com` NA, `api.eu.amazonalexa.com` EU, `api.fe.amazonalexa.com` FE);
//!   no prefix with a loopback or unknown host is NA. A session is visible only in its region
//!   (404 elsewhere) and for one hour. The prefixes are accepted on every `/v1` path; only
//!   discovery sessions are regional.
//! - **Errors**: discovery sessions answer `{"type", "message"}`; every other `/v1`
//!   endpoint `{"code", "message", "violations"?}` (400s carry one violation); LWA answers
//!   OAuth's `{"error", "error_description"}`. Every 400 names the field and the rule.
//! - **Rate limit** (off by default): N requests per second per access token (bursts up to
//!   N) → 429 with `Retry-After` in seconds.
//! - **Faults**: see [`faults`] for the random configuration, the `x-sim-fault` request
//!   header and scripted faults ([`SimHandle::fail_next`]).
//! - **State**: in memory; with a state file, written atomically (temp file + rename) shortly
//!   after every mutation and on shutdown, and loaded on start.
//! - **Observability**: one `tracing` info line per request (target
//!   `alexa_smapi_sim::request`: method, path, status, latency, operation, fault);
//!   [`SimHandle::counters`] and `GET /_sim/counters`; `POST /_sim/reset`; `GET /_sim/health`.
//!   With [`SimulatorBuilder::record_exchanges`] every answer is kept as an [`Exchange`].

mod auth;
mod config;
mod counters;
mod error;
pub mod faults;
mod handle;
mod operation;
mod persist;
mod rate_limit;
mod recorder;
mod request_rules;
mod routes;
pub mod schema;
mod server;
mod signing;
mod sim;
mod state;
pub mod validate;

pub use config::{
    DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_ASYNC_DELAY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN, DEFAULT_SCHEMA_URL_TTL, DEFAULT_VENDOR_ID, EMBEDDED_SPEC, SimConfig,
    Simulator, SimulatorBuilder,
};
pub use counters::CountersSnapshot;
pub use error::SimError;
pub use faults::{FAULT_HEADER, Fault, FaultConfig, FaultParseError, ScriptedFault};
pub use handle::SimHandle;
pub use operation::{Operation, Region, UnknownOperation};
pub use recorder::Exchange;

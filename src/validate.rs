//! Every documented input rule, checked before any request is sent.
//!
//! Each check returns [`Error::Validation`] naming the field (as the spec names it) and the
//! rule; the handlers call them first, so an invalid input never reaches the network. The
//! `parse_*` functions turn user-supplied strings into the spec's closed enums the same way.
//!
//! ```
//! use alexa_smapi::validate;
//! assert!(validate::skill_id("amzn1.ask.skill.1").is_ok());
//! let e = validate::skill_id("").unwrap_err();
//! assert_eq!(e.to_string(), "invalid skillId: must be 1 to 255 characters (got 0)");
//! assert!(validate::page_size(51).is_err());
//! let dots = validate::skill_id("..").unwrap_err();
//! assert!(dots.to_string().contains("dot segment"));
//! assert_eq!(validate::session_id("").unwrap_err().to_string(), "invalid id: must not be empty");
//! assert!(validate::parse_stage("Development").is_err()); // case sensitive
//! ```

use chrono::{DateTime, Months, Utc};

use crate::Error;
use crate::Stage;
use crate::generated::types::{SchemaOperation, UnpublishReason, UnpublishType};

/// Most skill IDs one `listSkillsForVendor` request may name.
pub const MAX_SKILL_IDS_PER_REQUEST: usize = 10;
/// Largest page of `listSkillsForVendor`.
pub const MAX_PAGE_SIZE: u32 = 50;

fn fail(field: &'static str, rule: impl Into<String>) -> Error {
    Error::Validation {
        field,
        rule: rule.into(),
    }
}

/// A length rule in words a person reads: "must not be empty", "must be at most 2047
/// characters", "must be 1 to 255 characters" (never the largest `usize`).
fn length_rule(min: usize, max: Option<usize>, n: usize) -> String {
    match (min, max) {
        (0 | 1, None) => "must not be empty".to_owned(),
        (min, None) => format!("must be at least {min} characters (got {n})"),
        (min, Some(max)) => format!("must be {min} to {max} characters (got {n})"),
    }
}

fn bounded(field: &'static str, value: &str, min: usize, max: Option<usize>) -> Result<(), Error> {
    // ASCII (every real ID) is checked byte by byte: there, bytes are characters and the
    // control characters are the ASCII ones.
    let ascii = value.is_ascii();
    let n = if ascii {
        value.len()
    } else {
        value.chars().count()
    };
    if n < min || max.is_some_and(|max| n > max) {
        return Err(fail(field, length_rule(min, max, n)));
    }
    let control = if ascii {
        value.bytes().any(|b| b.is_ascii_control())
    } else {
        value.chars().any(char::is_control)
    };
    if control {
        return Err(fail(field, "must not contain control characters"));
    }
    Ok(())
}

/// Characters that would change the request's path or URL if an ID held them: a separator
/// (`/`, and `\\`, which URL parsers read as `/`), the start of a query or fragment, or a
/// percent escape.
const PATH_CHANGING: &[char] = &['/', '\\', '?', '#', '%'];

/// An ID that goes into a URL must stay one path segment meaning itself: not a dot segment
/// (`.` or `..`, which URL resolution removes together with the segment before it) and none
/// of [`PATH_CHANGING`].
fn path_safe(field: &'static str, value: &str) -> Result<(), Error> {
    if value == "." || value == ".." {
        return Err(fail(
            field,
            format!("must not be `{value}` (a dot segment would change the request path)"),
        ));
    }
    if let Some(c) = value.chars().find(|c| PATH_CHANGING.contains(c)) {
        return Err(fail(
            field,
            format!("must not contain `{c}` (/, \\, ?, # and % would change the request path)"),
        ));
    }
    Ok(())
}

/// `skillId`: 1 to 255 characters, no control characters, not `.` or `..`, none of
/// `/ \ ? # %`.
pub fn skill_id(value: &str) -> Result<(), Error> {
    if plain_id(value) {
        return Ok(());
    }
    bounded("skillId", value, 1, Some(255))?;
    path_safe("skillId", value)
}

/// One pass over an ID that keeps every ID rule with room to spare: 1 to 255 bytes, all of
/// them visible ASCII and none of [`PATH_CHANGING`], not a dot segment. Every real ID is
/// like that, so the checks that explain a failure only run for the others.
fn plain_id(value: &str) -> bool {
    const REFUSED: [bool; 256] = {
        let mut table = [true; 256];
        let mut b = 0x21;
        while b < 0x7f {
            table[b] = matches!(b as u8, b'/' | b'\\' | b'?' | b'#' | b'%');
            b += 1;
        }
        table
    };
    (1..=255).contains(&value.len())
        && value != "."
        && value != ".."
        && !crate::byte_class::any(&REFUSED, value.as_bytes())
}

/// `vendorId`: 1 to 255 characters (non-empty), no control characters, not `.` or `..`, none
/// of `/ \ ? # %`.
pub fn vendor_id(value: &str) -> Result<(), Error> {
    if plain_id(value) {
        return Ok(());
    }
    bounded("vendorId", value, 1, Some(255))?;
    path_safe("vendorId", value)
}

/// The vendor ID of a call that needs one: given (per handle) or configured, and valid.
pub(crate) fn required_vendor_id(value: Option<crate::VendorId>) -> Result<crate::VendorId, Error> {
    let value = value.ok_or_else(|| Error::Validation {
        field: "vendorId",
        rule: "required: none configured (SmapiBuilder::vendor_id, ASK_VENDOR_ID or the ASK CLI \
               profile's vendor_id) and none given (.vendor_id(..) on the handle)"
            .into(),
    })?;
    vendor_id(&value)?;
    Ok(value)
}

/// `unit` of a discovery session: non-empty, no control characters.
pub fn unit(value: &str) -> Result<(), Error> {
    bounded("unit", value, 1, None)
}

/// Discovery session `id`: non-empty, no control characters, not `.` or `..`, none of
/// `/ \ ? # %`.
pub fn session_id(value: &str) -> Result<(), Error> {
    bounded("id", value, 1, None)?;
    path_safe("id", value)
}

/// `nextToken`: 1 to 2047 characters.
pub fn next_token(value: &str) -> Result<(), Error> {
    bounded("nextToken", value, 1, Some(2047))
}

/// `maxResults`: 1 to 50.
pub fn page_size(value: u32) -> Result<(), Error> {
    if !(1..=MAX_PAGE_SIZE).contains(&value) {
        return Err(fail(
            "maxResults",
            format!("must be 1 to {MAX_PAGE_SIZE} (got {value})"),
        ));
    }
    Ok(())
}

/// `skillId` list of one request: 1 to 10 IDs, each valid. (The wrapper chunks longer lists.)
pub fn skill_ids(ids: &[impl AsRef<str>]) -> Result<(), Error> {
    if ids.is_empty() {
        return Err(fail("skillId", "at least one skill ID is required"));
    }
    if ids.len() > MAX_SKILL_IDS_PER_REQUEST {
        return Err(fail(
            "skillId",
            format!(
                "at most {MAX_SKILL_IDS_PER_REQUEST} per request (got {})",
                ids.len()
            ),
        ));
    }
    ids.iter().try_for_each(|id| skill_id(id.as_ref()))
}

/// `If-Match`: a non-empty ETag of visible ASCII characters (it travels in a header).
pub fn if_match(value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(fail("If-Match", "must not be empty"));
    }
    if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(fail("If-Match", "must be visible ASCII characters"));
    }
    Ok(())
}

/// The stage of `updateSkillManifest`: only `development` can be updated.
pub fn update_stage(stage: &Stage) -> Result<(), Error> {
    match stage {
        Stage::Development => Ok(()),
        other => Err(fail(
            "stage",
            format!(
                "only development can be updated (got {other}); live changes through publication"
            ),
        )),
    }
}

/// `publishesAtDate`: at most six months after `now`.
pub fn publishes_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Error> {
    let limit = now.checked_add_months(Months::new(6)).unwrap_or(now);
    if at > limit {
        return Err(fail(
            "publishesAtDate",
            format!(
                "must be at most six months ahead (latest {}, got {})",
                limit.to_rfc3339(),
                at.to_rfc3339()
            ),
        ));
    }
    Ok(())
}

/// `stage` of a request: one of the values the operation's schema allows (for example
/// [`Stage::STAGE_NAME`]).
///
/// ```
/// use alexa_smapi::{Stage, validate};
/// assert!(validate::stage(&Stage::Live, Stage::STAGE_NAME).is_ok());
/// assert!(validate::stage(&Stage::from("preview"), Stage::STAGE_NAME).is_err());
/// ```
pub fn stage(stage: &Stage, allowed: &[Stage]) -> Result<(), Error> {
    stage_in("stage", stage, allowed)
}

/// `skillStage` of a discovery session's reporting skill: one of
/// [`Stage::DISCOVERY_SKILL_STAGE`] (`development` or `live`).
pub fn discovery_stage(stage: &Stage) -> Result<(), Error> {
    stage_in("skillStage", stage, Stage::DISCOVERY_SKILL_STAGE)
}

fn stage_in(field: &'static str, stage: &Stage, allowed: &[Stage]) -> Result<(), Error> {
    if allowed.contains(stage) {
        return Ok(());
    }
    let names: Vec<String> = allowed.iter().map(|s| format!("`{s}`")).collect();
    Err(fail(
        field,
        format!("must be {} (got `{stage}`)", names.join(" or ")),
    ))
}

/// Parses a stage a request accepts ([`Stage::STAGE_NAME`]), case sensitive.
pub fn parse_stage(value: &str) -> Result<Stage, Error> {
    let parsed = Stage::from(value);
    stage(&parsed, Stage::STAGE_NAME).map(|()| parsed)
}

/// Parses an unpublish type: `HIDE` or `REMOVE`.
pub fn parse_unpublish_type(value: &str) -> Result<UnpublishType, Error> {
    value
        .parse()
        .map_err(|_| fail("type", format!("must be `HIDE` or `REMOVE`, got `{value}`")))
}

/// Parses an unpublish reason: exactly one of the page's sentences.
pub fn parse_unpublish_reason(value: &str) -> Result<UnpublishReason, Error> {
    value.parse().map_err(|_| {
        fail(
            "reason",
            format!(
                "must be one of `Changing invocation name`, `Published by mistake`, `It takes time to maintain my skill`, `My infrastructure costs are too high`, `Technical issues`, `Other`; got `{value}`"
            ),
        )
    })
}

/// Parses a schema operation: `CREATE_SKILL`, `UPDATE_SKILL`, `ENABLE_SKILL`, `SUBMIT_SKILL`.
pub fn parse_schema_operation(value: &str) -> Result<SchemaOperation, Error> {
    value.parse().map_err(|_| {
        fail(
            "operation",
            format!(
                "must be CREATE_SKILL, UPDATE_SKILL, ENABLE_SKILL or SUBMIT_SKILL, got `{value}`"
            ),
        )
    })
}

/// Parses a country into its Discovery Session region (see [`crate::Region::for_country`]).
pub fn parse_country(value: &str) -> Result<crate::Region, Error> {
    crate::Region::for_country(value).ok_or_else(|| {
        fail(
            "country",
            format!("Discovery Session serves CA, US, DE, ES, FR, IT, UK and JP; got `{value}`"),
        )
    })
}

#[cfg(test)]
mod fast_path_tests {
    /// The one-pass check accepts only what the rule-by-rule checks accept.
    #[test]
    fn plain_ids_pass_every_rule() {
        let mut samples: Vec<String> = (0u32..=0x24f)
            .filter_map(char::from_u32)
            .flat_map(|c| {
                [
                    c.to_string(),
                    format!("amzn1.ask.skill.{c}x"),
                    format!("{c}."),
                ]
            })
            .collect();
        samples
            .extend(["", ".", "..", "...", "a/b", "a\\b", "a%2F", "a?b", "a#b"].map(String::from));
        samples.push("x".repeat(255));
        samples.push("x".repeat(256));
        for s in samples {
            let slow = super::bounded("skillId", &s, 1, Some(255))
                .and_then(|()| super::path_safe("skillId", &s));
            if super::plain_id(&s) {
                assert!(
                    slow.is_ok(),
                    "{s:?} passed the fast check but breaks a rule"
                );
            }
            assert_eq!(super::skill_id(&s).is_ok(), slow.is_ok(), "{s:?}");
        }
    }
}

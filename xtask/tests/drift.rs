//! `cargo xtask drift` against edited copies of Amazon's pages.
//!
//! Each case copies the four saved pages (`../shared/api-docs`, beside the repository as in
//! CI) into a temporary folder, applies one edit a maintainer could meet when Amazon
//! changes a page, runs `xtask drift --pages` on the real spec, and compares the whole
//! report with the exact text expected, and the exit status. The repository keeps the
//! edits, never a copy of Amazon's text.

use std::path::{Path, PathBuf};
use std::process::Command;

fn pages() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/api-docs");
    assert!(
        dir.join("skill-operations-api.txt").exists(),
        "the saved pages must be beside the repository at ../shared/api-docs (as in CI): {}",
        dir.display()
    );
    dir
}

/// One edit: in `document`, replace `find` (which must occur exactly once) by `replace`.
struct Edit {
    document: &'static str,
    find: &'static str,
    replace: &'static str,
}

/// Runs drift on the pages with `edits` applied and the `delete`d page removed; returns
/// (exit code, stdout).
fn drift(tag: &str, edits: &[Edit], delete: Option<&str>) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("xtask-drift-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(pages()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    for e in edits {
        let path = dir.join(e.document);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(e.find).count(),
            1,
            "{tag}: `{}` must occur once in {}",
            e.find,
            e.document
        );
        std::fs::write(&path, text.replace(e.find, e.replace)).unwrap();
    }
    if let Some(d) = delete {
        std::fs::remove_file(dir.join(d)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("drift")
        .arg("--pages")
        .arg(&dir)
        .output()
        .expect("run xtask");
    std::fs::remove_dir_all(&dir).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{tag}: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn check(tag: &str, edits: &[Edit], expected_exit: i32, expected: &str) {
    let (code, report) = drift(tag, edits, None);
    assert_eq!(report, expected, "{tag}: the report differs");
    assert_eq!(code, expected_exit, "{tag}: exit status\n{report}");
}

const OPS: &str = "skill-operations-api.txt";
const PUBLISHING: &str = "skill-publishing-api.txt";
const RESOURCE_SCHEMA: &str = "resource-schema-api.txt";
const DISCOVERY: &str = "discovery-session-api.txt";

const FOOTER: &str = "drift: {} finding(s); update openapi/smapi.yaml (README: \"When Amazon's docs change\"), then `cargo xtask drift --record`\n";

fn footer(n: usize) -> String {
    FOOTER.replace("{}", &n.to_string())
}

/// The saved pages as they are: the spec's digests and tables match.
#[test]
fn unchanged_pages_report_no_drift() {
    check(
        "unchanged_pages_report_no_drift",
        &[],
        0,
        "no drift: 12 section(s) of 4 page(s) match the spec (9 difference(s) explained by Resolved: notes)\n",
    );
}

/// Lines re-wrapped and re-indented, no word changed: not drift.
#[test]
fn reflowed_whitespace_is_not_drift() {
    check(
        "reflowed_whitespace_is_not_drift",
        &[Edit {
            document: OPS,
            find: "List the skills for the specified vendorId. The optional maxResults and nextToken values provide paging for the results.",
            replace: "   List the skills for the specified vendorId.\n   The optional maxResults and   nextToken values\nprovide paging for the results.",
        }],
        0,
        "no drift: 12 section(s) of 4 page(s) match the spec (9 difference(s) explained by Resolved: notes)\n",
    );
}

/// Prose reworded, tables untouched: the section's text changed, nothing else.
#[test]
fn reworded_prose_changes_the_digest_only() {
    check(
        "reworded_prose_changes_the_digest_only",
        &[Edit {
            document: OPS,
            find: "Delete a skill.\n",
            replace: "Deletes a skill and every stage of it.\n",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- Delete a skill  [feeds deleteSkill]\n   text changed since the spec recorded it (recorded sha256:963252c935616460, now sha256:fe9fd4d3df777423)\n   resolved in the spec: status 400: in the spec, no longer listed by the page\n",
            footer(1)
        ),
    );
}

/// A new optional query parameter in a glued-cell table.
#[test]
fn added_query_parameter() {
    check(
        "added_query_parameter",
        &[Edit {
            document: OPS,
            find: "nextTokenContinuation token",
            replace: "localeOnly skills available in this locale.Query parameterNo\nnextTokenContinuation token",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- List skills  [feeds listSkillsForVendor]\n   text changed since the spec recorded it (recorded sha256:262cc726957ea25b, now sha256:51ad4522a83cb57d)\n   parameter `locale` (query): listed by the page, not in the spec\n",
            footer(2)
        ),
    );
}

/// A query parameter the page no longer lists.
#[test]
fn removed_query_parameter() {
    check(
        "removed_query_parameter",
        &[Edit {
            document: OPS,
            find: "maxResultsMaximum number of results to display per page of listed skills. The value of this parameter must not exceed 50.Query parameterNo\n",
            replace: "",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- List skills  [feeds listSkillsForVendor]\n   text changed since the spec recorded it (recorded sha256:262cc726957ea25b, now sha256:3e9c683e6279cc58)\n   parameter `maxResults` (query): in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// Requiredness changed: the page now says the vendor ID is optional.
#[test]
fn parameter_became_optional() {
    check(
        "parameter_became_optional",
        &[Edit {
            document: OPS,
            find: "vendorIdUnique identifier of the vendor.Query parameterYes",
            replace: "vendorIdUnique identifier of the vendor.Query parameterNo",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- List skills  [feeds listSkillsForVendor]\n   text changed since the spec recorded it (recorded sha256:262cc726957ea25b, now sha256:8918a5030f10e158)\n   parameter `vendorId` (query): the page says optional, the spec says required\n",
            footer(2)
        ),
    );
}

/// A stage value the spec's enum lacks.
#[test]
fn new_enum_value_in_a_path_parameter() {
    check(
        "new_enum_value_in_a_path_parameter",
        &[Edit {
            document: OPS,
            find: "Indicates stage of the skill. Accepted values are development and live (case sensitive).",
            replace: "Indicates stage of the skill. Accepted values are development, beta and live (case sensitive).",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- Get Skill Information  [feeds getSkillManifest]\n   text changed since the spec recorded it (recorded sha256:63f7285c5ff57408, now sha256:8fa1c585b86687a3)\n   parameter `stage` (path): value `beta` listed by the page, not in the spec's enum\n   resolved in the spec: parameter `stage` (path): value `certified` in the spec's enum, no longer listed by the page\n   resolved in the spec: status 400: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// A status the page now lists for Get publication status.
#[test]
fn new_status_code() {
    check(
        "new_status_code",
        &[Edit {
            document: PUBLISHING,
            find: "Response body contains the publication status.\n\n400 Bad Request",
            replace: "Response body contains the publication status.\n\n409 Conflict\n\nA publication is being changed.\n\n400 Bad Request",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Publishing REST API Reference (skill-publishing-api.txt)\n-- Get publication status  [feeds getSkillPublication]\n   text changed since the spec recorded it (recorded sha256:07157c3f3b73021c, now sha256:02f6c0100e81af6c)\n   status 409: listed by the page, not in the spec\n",
            footer(2)
        ),
    );
}

/// A status the page no longer lists for Get Skill Information.
#[test]
fn removed_status_code() {
    check(
        "removed_status_code",
        &[Edit {
            document: OPS,
            find: "HTTP/1.1 303 See Other\nHTTP/1.1 401 Unauthorized\nHTTP/1.1 403 Forbidden\nHTTP/1.1 404 Not Found\nHTTP/1.1 429 Too Many Requests\n",
            replace: "HTTP/1.1 303 See Other\nHTTP/1.1 401 Unauthorized\nHTTP/1.1 403 Forbidden\nHTTP/1.1 404 Not Found\n",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- Get Skill Information  [feeds getSkillManifest]\n   text changed since the spec recorded it (recorded sha256:63f7285c5ff57408, now sha256:f2a39961f50e45c7)\n   status 429: in the spec, no longer listed by the page\n   resolved in the spec: parameter `stage` (path): value `certified` in the spec's enum, no longer listed by the page\n   resolved in the spec: status 400: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// A request body property the page no longer lists (unpublish reason).
#[test]
fn removed_request_property() {
    check(
        "removed_request_property",
        &[Edit {
            document: PUBLISHING,
            find: "reason\n\nReason that you want to unpublish the skill.\nValid values:\n\n  • Changing invocation name\n  • Published by mistake\n  • It takes time to maintain my skill\n  • My infrastructure costs are too high\n  • Technical issues\n  • Other\n\nString\n\nYes\n\n",
            replace: "",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Publishing REST API Reference (skill-publishing-api.txt)\n-- Unpublish skill  [feeds unpublishSkill]\n   text changed since the spec recorded it (recorded sha256:aa9a8d295aba44dd, now sha256:d50343d1e16a137e)\n   request property `reason`: in the spec, no longer listed by the page\n   resolved in the spec: status 413: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// A response property the spec lacks (resource schema).
#[test]
fn added_response_property() {
    check(
        "added_response_property",
        &[Edit {
            document: RESOURCE_SCHEMA,
            find: "Presigned URL to the schema or skill package.\n\nString\n",
            replace: "Presigned URL to the schema or skill package.\n\nString\n\ncontentType\n\nMedia type of the schema.\n\nString\n",
        }],
        1,
        &format!(
            "{}{}",
            "== Resource Schema REST API Reference (resource-schema-api.txt)\n-- Get resource schema  [feeds getResourceSchema]\n   text changed since the spec recorded it (recorded sha256:69b92a42c40978b7, now sha256:61b270a393bfa168)\n   response property `contentType`: listed by the page, not in the spec\n   resolved in the spec: parameter `skillId` (path): listed by the page, not in the spec\n",
            footer(2)
        ),
    );
}

/// A new operation value for the resource schema.
#[test]
fn new_enum_value_in_a_query_parameter() {
    check(
        "new_enum_value_in_a_query_parameter",
        &[Edit {
            document: RESOURCE_SCHEMA,
            find: "Valid values: CREATE_SKILL, UPDATE_SKILL, ENABLE_SKILL, SUBMIT_SKILL.",
            replace: "Valid values: CREATE_SKILL, UPDATE_SKILL, ENABLE_SKILL, SUBMIT_SKILL, DELETE_SKILL.",
        }],
        1,
        &format!(
            "{}{}",
            "== Resource Schema REST API Reference (resource-schema-api.txt)\n-- Get resource schema  [feeds getResourceSchema]\n   text changed since the spec recorded it (recorded sha256:69b92a42c40978b7, now sha256:3b2f2355aa78f56b)\n   parameter `operation` (query): value `DELETE_SKILL` listed by the page, not in the spec's enum\n   resolved in the spec: parameter `skillId` (path): listed by the page, not in the spec\n",
            footer(2)
        ),
    );
}

/// An unpublish type the page no longer lists.
#[test]
fn removed_enum_value_in_a_request_property() {
    check(
        "removed_enum_value_in_a_request_property",
        &[Edit {
            document: PUBLISHING,
            find: "Valid values: HIDE, REMOVE.",
            replace: "Valid values: HIDE.",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Publishing REST API Reference (skill-publishing-api.txt)\n-- Unpublish skill  [feeds unpublishSkill]\n   text changed since the spec recorded it (recorded sha256:aa9a8d295aba44dd, now sha256:81b9fc68c9397c74)\n   request property `type`: value `REMOVE` in the spec's enum, no longer listed by the page\n   resolved in the spec: status 413: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// Requiredness of a request property changed (unpublish type).
#[test]
fn request_property_became_optional() {
    check(
        "request_property_became_optional",
        &[Edit {
            document: PUBLISHING,
            find: "Valid values: HIDE, REMOVE.\n\nString\n\nYes",
            replace: "Valid values: HIDE, REMOVE.\n\nString\n\nNo",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Publishing REST API Reference (skill-publishing-api.txt)\n-- Unpublish skill  [feeds unpublishSkill]\n   text changed since the spec recorded it (recorded sha256:aa9a8d295aba44dd, now sha256:d20f63357c9ac59d)\n   request property `type`: the page says optional, the spec says required\n   resolved in the spec: status 413: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// A section heading renamed: the spec's section is gone and the new one feeds nothing.
#[test]
fn renamed_section() {
    check(
        "renamed_section",
        &[Edit {
            document: OPS,
            find: "\nList skills\n\nList the skills",
            replace: "\nList all skills\n\nList the skills",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- List skills  [feeds listSkillsForVendor]\n   section not found on the page (renamed or removed); sections no operation names: `List all skills`\n-- List all skills  [feeds no operation]\n   a section of the page that no x-source names (a new operation? add it to openapi/coverage.yaml and the spec)\n",
            footer(2)
        ),
    );
}

/// A response header the spec lacks.
#[test]
fn new_response_header() {
    check(
        "new_response_header",
        &[Edit {
            document: OPS,
            find: "Headers\n\nETag: <etag_value>\n",
            replace: "Headers\n\nETag: <etag_value>\nX-Amzn-RequestId: <request_id>\n",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- Get Skill Information  [feeds getSkillManifest]\n   text changed since the spec recorded it (recorded sha256:63f7285c5ff57408, now sha256:5f657d6486bbeb4a)\n   response header x-amzn-requestid: listed by the page, not in the spec\n   resolved in the spec: parameter `stage` (path): value `certified` in the spec's enum, no longer listed by the page\n   resolved in the spec: status 400: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// A request header the spec lacks (update).
#[test]
fn new_request_header() {
    check(
        "new_request_header",
        &[Edit {
            document: OPS,
            find: "If-Match: <etag_value>\n",
            replace: "If-Match: <etag_value>\nIf-None-Match: <etag_value>\n",
        }],
        1,
        &format!(
            "{}{}",
            "== Skill Operations (Skill Management API) (skill-operations-api.txt)\n-- Update an existing skill  [feeds updateSkillManifest]\n   text changed since the spec recorded it (recorded sha256:2dadeec0de8b45ac, now sha256:d0895d7d8bac8c47)\n   parameter `If-None-Match` (header): listed by the page, not in the spec\n   resolved in the spec: status 413: in the spec, no longer listed by the page\n",
            footer(2)
        ),
    );
}

/// A new operation's section on a page: no x-source names it.
#[test]
fn new_operation_section() {
    check(
        "new_operation_section",
        &[Edit {
            document: RESOURCE_SCHEMA,
            find: "Get resource schema\n\nGet the schema or skill package for the specified skill.",
            replace: "List resource schemas\n\nList the resources that have a schema.\n\nRequest\n\nGET /v1/skills/resourceSchema\n\nGet resource schema\n\nGet the schema or skill package for the specified skill.",
        }],
        1,
        &format!(
            "{}{}",
            "== Resource Schema REST API Reference (resource-schema-api.txt)\n-- List resource schemas  [feeds no operation]\n   a section of the page that no x-source names (a new operation? add it to openapi/coverage.yaml and the spec)\n",
            footer(1)
        ),
    );
}

/// The discovery page lost its table names when saved: a change shows as changed text.
#[test]
fn discovery_page_reworded() {
    check(
        "discovery_page_reworded",
        &[Edit {
            document: DISCOVERY,
            find: "Get the status of the specified discovery session.",
            replace: "Get the current status of the specified discovery session.",
        }],
        1,
        &format!(
            "{}{}",
            "== Discovery Session REST API Reference (discovery-session-api.txt)\n-- Get discovery session status  [feeds getDiscoverySession]\n   text changed since the spec recorded it (recorded sha256:23e7ab21ec59b324, now sha256:30dcdb0ee581ac31)\n   note: the page's tables carry no names (they were lost when the page was saved), so only text changes are detected here\n",
            footer(1)
        ),
    );
}

/// The page's title changed.
#[test]
fn page_title_changed() {
    check(
        "page_title_changed",
        &[Edit {
            document: RESOURCE_SCHEMA,
            find: "Resource Schema REST API Reference",
            replace: "Resource Schema API Reference",
        }],
        1,
        &format!(
            "{}{}",
            "== Resource Schema REST API Reference (resource-schema-api.txt)\n   page title `Resource Schema REST API Reference` no longer appears on the page\n",
            footer(1)
        ),
    );
}

/// A page that is not among the saved pages.
#[test]
fn page_missing() {
    let (code, report) = drift("page_missing", &[], Some(DISCOVERY));
    assert_eq!(
        report,
        format!(
            "{}{}",
            "== Discovery Session REST API Reference (discovery-session-api.txt)\n   page missing: no such file among the saved pages\n",
            footer(1)
        )
    );
    assert_eq!(code, 1);
}

/// A status dropped from Create a skill is drift even though another operation's
/// "Resolved:" note (Get Skill Information's, on its 400) mentions the same code: a note
/// explains differences only in the operation it belongs to.
#[test]
fn a_note_on_another_operation_does_not_hide_a_change() {
    let (code, report) = drift(
        "a_note_on_another_operation_does_not_hide_a_change",
        &[Edit {
            document: OPS,
            find: "Location: <Returns a relative URL to track the status>\n\nBody\n\n{\n  \"skillId\": \"{skillId}\"\n}\n\nExceptions\n\nHTTP/1.1 400 Bad Request\n",
            replace: "Location: <Returns a relative URL to track the status>\n\nBody\n\n{\n  \"skillId\": \"{skillId}\"\n}\n\nExceptions\n\n",
        }],
        None,
    );
    assert_eq!(code, 1, "{report}");
    assert!(
        report.contains("-- Create a skill  [feeds createSkillForVendor]\n")
            && report.contains("\n   status 400: in the spec, no longer listed by the page\n"),
        "the dropped 400 is a finding, not explained:\n{report}"
    );
    assert!(
        !report.contains("resolved in the spec: status 400"),
        "{report}"
    );
    assert!(report.ends_with(&footer(2)), "{report}");
}

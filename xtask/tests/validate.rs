//! `cargo xtask validate` accepts the real spec and rejects each broken fixture with the
//! message that names its defect.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

/// Runs `xtask validate <fixture> --docs <fixtures>`; returns (success, stdout + stderr).
fn validate_fixture(name: &str) -> (bool, String) {
    let dir = fixtures();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(dir.join(name))
        .arg("--docs")
        .arg(&dir)
        .output()
        .expect("run xtask");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn assert_rejected(name: &str, location: &str, message: &str) {
    let (ok, text) = validate_fixture(name);
    assert!(!ok, "{name} must be rejected, got:\n{text}");
    assert!(
        text.lines().any(|l| l.contains(message)),
        "{name}: no line mentions `{message}`:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains(message) && l.contains(location)),
        "{name}: the problem `{message}` must be located at `{location}`:\n{text}"
    );
}

#[test]
fn the_real_spec_is_valid_and_covers_the_twelve_documented_operations() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .output()
        .expect("run xtask");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("openapi/smapi.yaml: valid (x-source sections checked against"),
        "the pages beside the repository (../shared/api-docs) must be found: {text}"
    );
}

#[test]
fn the_valid_fixture_passes() {
    let (ok, text) = validate_fixture("valid.yaml");
    assert!(ok, "{text}");
}

#[test]
fn missing_operation_id_is_rejected() {
    assert_rejected(
        "broken_missing_operation_id.yaml",
        "paths./v1/things/{thingId}.get.operationId",
        "operation has no operationId",
    );
}

#[test]
fn unresolvable_ref_is_rejected() {
    assert_rejected(
        "broken_bad_ref.yaml",
        "content.application/json.schema.$ref",
        "$ref `#/components/schemas/Thingy` does not resolve",
    );
}

#[test]
fn example_that_breaks_its_schema_is_rejected() {
    assert_rejected(
        "broken_invalid_example.yaml",
        "responses.200.content.application/json.example",
        "example does not match its schema at /size",
    );
}

#[test]
fn two_error_schemas_in_one_operation_are_rejected() {
    assert_rejected(
        "broken_two_error_schemas.yaml",
        "paths./v1/things/{thingId}.get.responses",
        "2 different error schemas",
    );
}

#[test]
fn undeclared_path_parameter_is_rejected() {
    assert_rejected(
        "broken_missing_path_param.yaml",
        ".get.parameters",
        "path parameter `partId` of `/v1/things/{thingId}/parts/{partId}` is not declared",
    );
}

#[test]
fn operation_without_source_is_rejected() {
    assert_rejected(
        "broken_missing_source.yaml",
        ".get.x-source",
        "must name its source page and section",
    );
}

#[test]
fn operation_with_two_tags_is_rejected() {
    assert_rejected("broken_two_tags.yaml", ".get.tags", "exactly one tag");
}

#[test]
fn a_section_missing_from_its_page_is_rejected() {
    let dir = fixtures();
    let spec = std::fs::read_to_string(dir.join("valid.yaml")).expect("fixture");
    let renamed = spec.replace("section: Get a thing", "section: Get every thing");
    let tmp = std::env::temp_dir().join(format!("xtask-validate-{}.yaml", std::process::id()));
    std::fs::write(&tmp, renamed).expect("write temp spec");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(&tmp)
        .arg("--docs")
        .arg(&dir)
        .output()
        .expect("run xtask");
    let _ = std::fs::remove_file(&tmp);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        text.contains("section heading `Get every thing` does not occur in `fixture.txt`"),
        "{text}"
    );
}

#[test]
fn a_documented_operation_missing_from_the_spec_is_rejected() {
    let dir = fixtures();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(dir.join("valid.yaml"))
        .arg("--docs")
        .arg(&dir)
        .arg("--coverage")
        .arg(dir.join("coverage.yaml"))
        .output()
        .expect("run xtask");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        text.contains("documented operation `deleteThing` (DELETE /v1/things/{thingId}) is missing from the spec"),
        "{text}"
    );
    assert!(!text.contains("getThing"), "getThing is covered: {text}");
}

#[test]
fn a_post_that_does_not_say_whether_it_is_idempotent_is_rejected() {
    assert_rejected(
        "broken_post_without_idempotent.yaml",
        "paths./v1/things/{thingId}.post.x-idempotent",
        "must say whether repeating it is safe",
    );
}

#[test]
fn an_unused_component_is_rejected_as_the_linters_would() {
    assert_rejected(
        "broken_unused_component.yaml",
        "components.schemas.Orphan",
        "component is never referenced from the paths (no-unused-components",
    );
    assert_rejected(
        "broken_unused_component.yaml",
        "components.parameters.Unused",
        "component is never referenced from the paths",
    );
    assert_rejected(
        "broken_unused_component.yaml",
        "components.schemas.Orphan.properties.kind.enum",
        "enum value 1 is not of the schema's type string (typed-enum",
    );
}

#[test]
fn an_operation_without_description_is_rejected_as_spectral_would() {
    assert_rejected(
        "broken_no_description.yaml",
        "paths./v1/things/{thingId}.get.description",
        "operation has no description (operation-description)",
    );
}

/// The newcomer's stumble: removing the only use of a parameter left its component behind,
/// `validate` said `valid`, and the Node linters failed later. Now validate names it.
#[test]
fn removing_the_only_use_of_a_component_parameter_from_the_real_spec_is_rejected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let spec = std::fs::read_to_string(root.join("openapi/smapi.yaml")).expect("spec");
    let doc: serde_json::Value = serde_norway::from_str(&spec).expect("yaml");
    let names: Vec<String> = doc["components"]["parameters"]
        .as_object()
        .expect("component parameters")
        .keys()
        .cloned()
        .collect();
    let (name, line) = names
        .iter()
        .find_map(|n| {
            let line = format!("- $ref: '#/components/parameters/{n}'\n");
            (spec.matches(&line).count() == 1).then_some((n.clone(), line))
        })
        .expect("a component parameter used exactly once");
    let start = spec.find(&line).unwrap();
    let line_start = spec[..start].rfind('\n').map_or(0, |i| i + 1);
    let edited = format!("{}{}", &spec[..line_start], &spec[start + line.len()..]);
    let tmp = std::env::temp_dir().join(format!("xtask-unused-{}.yaml", std::process::id()));
    std::fs::write(&tmp, edited).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(&tmp)
        .output()
        .expect("run xtask");
    let _ = std::fs::remove_file(&tmp);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "components.parameters.{name}: component is never referenced from the paths"
        )),
        "{text}"
    );
}

#[test]
fn without_the_pages_validate_says_the_sections_were_not_checked() {
    let dir = fixtures();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(dir.join("valid.yaml"))
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run xtask");
    let text = String::from_utf8_lossy(&out.stdout);
    let missing = std::env::temp_dir().join(format!("no-pages-{}", std::process::id()));
    let explicit = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(dir.join("valid.yaml"))
        .arg("--docs")
        .arg(&missing)
        .output()
        .expect("run xtask");
    let explicit_text = String::from_utf8_lossy(&explicit.stderr);
    assert!(!explicit.status.success(), "{explicit_text}");
    assert!(
        explicit_text.contains("page sections cannot be checked: --docs"),
        "{explicit_text}"
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("valid, but x-source page sections NOT checked: no --docs DIR given"),
        "{text}"
    );
}

#[test]
fn ci_mode_fails_when_the_pages_are_missing() {
    let dir = fixtures();
    let missing = std::env::temp_dir().join(format!("no-pages-ci-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("validate")
        .arg(dir.join("valid.yaml"))
        .arg("--require-pages")
        .arg("--docs")
        .arg(&missing)
        .output()
        .expect("run xtask");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("page sections cannot be checked"), "{text}");
}

#[test]
fn an_x_source_without_the_page_title_and_address_is_rejected() {
    assert_rejected(
        "broken_source_without_page.yaml",
        ".get.x-source.page",
        "x-source must give the title of Amazon's page",
    );
    assert_rejected(
        "broken_source_without_page.yaml",
        ".get.x-source.url",
        "x-source must give the https:// address of Amazon's page",
    );
}

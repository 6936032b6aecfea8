//! The shared generator turns progenitor's panics and parse failures into one readable error.

use alexa_smapi_codegen::{CodegenError, generate, generate_with_open_enums};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../xtask/tests/fixtures/validate"
);

#[test]
fn two_error_schemas_fail_with_a_message_not_a_panic() {
    let text = std::fs::read_to_string(format!("{FIXTURES}/broken_two_error_schemas.yaml"))
        .expect("fixture");
    let err = generate_with_open_enums("fixture.yaml", &text, &[])
        .expect_err("progenitor rejects two error schemas");
    assert!(matches!(err, CodegenError::Generate { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.starts_with("fixture.yaml: progenitor could not generate a client:"),
        "{shown}"
    );
}

#[test]
fn yaml_that_is_not_openapi_names_the_file_and_the_position() {
    let err = generate("openapi/smapi.yaml", "openapi: 3.0.3\npaths: [1, 2]\n").expect_err("bad");
    let shown = err.to_string();
    assert!(
        shown.starts_with("openapi/smapi.yaml: not a valid OpenAPI 3.0 document:"),
        "{shown}"
    );
}

#[test]
fn the_real_spec_generates_all_twelve_operations() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/smapi.yaml"
    ))
    .expect("spec");
    let code = generate("openapi/smapi.yaml", &text).expect("generates");
    for method in [
        "get_skill_manifest",
        "update_skill_manifest",
        "create_skill_for_vendor",
        "get_skill_status",
        "list_skills_for_vendor",
        "delete_skill",
        "get_skill_publication",
        "publish_skill",
        "unpublish_skill",
        "get_resource_schema",
        "create_discovery_session",
        "get_discovery_session",
    ] {
        assert!(
            code.contains(&format!("pub fn {method}(&self)")),
            "missing {method}"
        );
    }
    assert!(code.starts_with(alexa_smapi_codegen::GENERATED_HEADER));
    assert!(code.contains("pub mod open_enums"));
}

#[test]
fn an_open_enum_that_the_spec_lacks_is_reported_by_name() {
    let text = std::fs::read_to_string(format!("{FIXTURES}/valid.yaml")).expect("fixture");
    let err = generate_with_open_enums("fixture.yaml", &text, &["Colour"]).expect_err("no Colour");
    assert!(
        err.to_string().contains("OPEN_ENUMS names `Colour`"),
        "{err}"
    );
    generate_with_open_enums("fixture.yaml", &text, &[]).expect("the fixture itself generates");
}

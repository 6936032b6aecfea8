//! The spec the client was generated from, as data.
//!
//! The exact text of `openapi/smapi.yaml` is compiled into the crate, so dependents can read
//! it (to validate, to serve, to generate from) without touching the file system. Parse it
//! with the OpenAPI library of your choice; this crate does not put one in your build.
//!
//! ```
//! assert!(alexa_smapi::spec::YAML.contains("operationId: getSkillManifest"));
//! assert!(alexa_smapi::spec::YAML.contains(&format!("version: {}", alexa_smapi::spec::VERSION)));
//! ```

/// The spec's YAML text, byte for byte as the client was generated from it.
pub const YAML: &str = include_str!("../openapi/smapi.yaml");

/// The spec's `info.version`. The crate has its own version, judged by Rust's semver rules;
/// the README's "Versioning" section maps one to the other.
pub const VERSION: &str = crate::generated::SPEC_VERSION;

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_spec_is_the_file_the_client_was_generated_from() {
        let on_disk =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/smapi.yaml"))
                .expect("spec file");
        assert_eq!(super::YAML, on_disk);
        let spec: serde_json::Value = serde_norway::from_str(super::YAML).expect("parses");
        assert_eq!(spec["info"]["version"], super::VERSION);
        let operations: usize = spec["paths"]
            .as_object()
            .expect("paths")
            .values()
            .filter_map(|item| item.as_object())
            .map(|item| {
                item.keys()
                    .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                    .count()
            })
            .sum();
        assert_eq!(operations, 12);
    }
}

//! The spec the client was generated from, as data.
//!
//! The exact text of `openapi/smapi.yaml` is compiled into the crate, so dependents can read
//! it (to validate, to serve, to generate from) without touching the file system.
//!
//! ```
//! let spec = alexa_smapi::spec::parsed()?;
//! assert_eq!(spec.openapi, "3.0.3");
//! assert!(alexa_smapi::spec::YAML.contains("operationId: getSkillManifest"));
//! # Ok::<(), alexa_smapi::spec::SpecError>(())
//! ```

/// The spec's YAML text, byte for byte as the client was generated from it.
pub const YAML: &str = include_str!("../openapi/smapi.yaml");

/// The spec's `info.version`, which the crate version follows.
pub fn version() -> Result<String, SpecError> {
    Ok(parsed()?.info.version)
}

/// The spec, parsed into an [`openapiv3::OpenAPI`]. Parsing happens on every call; keep the
/// result if you need it more than once.
pub fn parsed() -> Result<openapiv3::OpenAPI, SpecError> {
    serde_norway::from_str(YAML).map_err(|e| SpecError(e.to_string()))
}

/// The embedded spec could not be parsed (only possible if the crate was built from a spec
/// that progenitor accepted but this parser did not).
#[derive(Debug, thiserror::Error)]
#[error("embedded openapi/smapi.yaml does not parse: {0}")]
pub struct SpecError(String);

#[cfg(test)]
mod tests {
    #[test]
    fn the_crate_version_follows_the_spec_version() {
        let spec = super::version().expect("embedded spec parses");
        assert_eq!(
            env!("CARGO_PKG_VERSION"),
            spec,
            "the crate version in Cargo.toml differs from info.version in openapi/smapi.yaml; \
             `cargo xtask release-spec` sets both (and Cargo.lock and the snapshot) in order"
        );
    }

    #[test]
    fn the_embedded_spec_is_the_file_the_client_was_generated_from() {
        let on_disk =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/smapi.yaml"))
                .expect("spec file");
        assert_eq!(super::YAML, on_disk);
        let spec = super::parsed().expect("parses");
        let operations: usize = spec
            .paths
            .paths
            .values()
            .filter_map(|item| item.as_item())
            .map(|item| item.iter().count())
            .sum();
        assert_eq!(operations, 12);
    }
}

//! With the `generate` feature (on by default, and always in this repository): compiles
//! `openapi/smapi.yaml` into the raw client at `$OUT_DIR/smapi_client.rs`.
//!
//! All generator settings live in `codegen/` so `cargo xtask diff` sees exactly what this
//! produces. An invalid spec stops the build with one readable line, not a backtrace.
//!
//! Without the feature, `src/generated.rs` compiles the checked-in snapshot
//! `openapi/generated/client.rs` and this script does nothing.

#[cfg(feature = "generate")]
fn main() -> std::process::ExitCode {
    use std::path::PathBuf;
    use std::process::ExitCode;

    // `ALEXA_SMAPI_SPEC` names another spec file: only for scripts/downstream.sh, which proves
    // that a compatible spec change leaves a dependent compiling.
    println!("cargo::rerun-if-env-changed=ALEXA_SMAPI_SPEC");
    let path = std::env::var("ALEXA_SMAPI_SPEC").unwrap_or_else(|_| "openapi/smapi.yaml".into());
    let spec = path.as_str();
    println!("cargo::rerun-if-changed={spec}");
    println!("cargo::rerun-if-changed=build.rs");
    let text = match std::fs::read_to_string(spec) {
        Ok(text) => text,
        Err(e) => {
            println!("cargo::error={spec}: cannot read the spec: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match alexa_smapi_codegen::generate("openapi/smapi.yaml", &text) {
        Ok(code) => code,
        Err(e) => {
            println!("cargo::error={e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set; build.rs must run under cargo");
        return ExitCode::FAILURE;
    };
    let out = PathBuf::from(out_dir).join("smapi_client.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(not(feature = "generate"))]
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
}

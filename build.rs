//! Compiles `openapi/smapi.yaml` into the raw client at `$OUT_DIR/smapi_client.rs`.
//!
//! All generator settings live in `codegen/` so `cargo xtask diff` sees exactly what this
//! produces. An invalid spec stops the build with one readable line, not a backtrace.

use std::path::PathBuf;
use std::process::ExitCode;

const SPEC: &str = "openapi/smapi.yaml";

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed={SPEC}");
    println!("cargo::rerun-if-changed=build.rs");
    let text = match std::fs::read_to_string(SPEC) {
        Ok(text) => text,
        Err(e) => {
            println!("cargo::error={SPEC}: cannot read the spec: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match alexa_smapi_codegen::generate(SPEC, &text) {
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

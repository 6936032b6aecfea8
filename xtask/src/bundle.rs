//! `cargo xtask bundle` (not yet written).

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("xtask bundle: not implemented yet");
    ExitCode::FAILURE
}

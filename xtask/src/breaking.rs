//! `cargo xtask breaking` (not yet written).

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("xtask breaking: not implemented yet");
    ExitCode::FAILURE
}

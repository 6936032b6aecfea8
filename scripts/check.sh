#!/usr/bin/env bash
# The project's whole test command (README: "Run the tests"). CI runs exactly this.
# It installs what it needs itself, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "spec checks: cargo xtask ci"
cargo xtask ci

step "semver for dependents: tests/downstream before and after a compatible spec change"
bash scripts/downstream.sh

step "cargo test"
cargo test --workspace --locked

step "conformance: Amazon's ASK CLI and Node SMAPI SDK, and Schemathesis, against the simulator"
bash tools/conformance.sh

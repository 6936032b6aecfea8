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

step "the README's main job: cargo run --example quickstart (the whole lifecycle, built-in simulator)"
# Without ASK_* credentials it runs against its in-process simulator; every step must pass
# (it exits non-zero on any failure, the delete included), and it must get to the end.
quickstart_log="$(mktemp)"
env -u ASK_REFRESH_TOKEN -u ASK_ACCESS_TOKEN cargo run --locked --example quickstart | tee "$quickstart_log"
grep -q "deleted (its manifest is now 404)" "$quickstart_log" ||
    { echo "quickstart: the delete was not proved by a 404" >&2; exit 1; }
grep -Eq "^Done: 12 steps in [0-9.]+s\.$" "$quickstart_log" ||
    { echo "quickstart: no 'Done: 12 steps' line" >&2; exit 1; }
rm -f "$quickstart_log"

step "conformance: Amazon's ASK CLI and Node SMAPI SDK, and Schemathesis, against the simulator"
bash tools/conformance.sh

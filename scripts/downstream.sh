#!/usr/bin/env bash
# Semver for Rust users, proved: tests/downstream (a dependent outside the workspace) must
# compile unchanged against
#   1. the crate as it is, from the checked-in snapshot (`default-features = false`), and
#   2. the crate generated from a spec with a compatible change: an added optional response
#      field and an added response enum value (what `cargo xtask breaking` calls minor).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The workspace target dir: dependencies built with the same settings are reused.
export CARGO_TARGET_DIR="$root/target"
manifest=tests/downstream/Cargo.toml
cp Cargo.lock tests/downstream/Cargo.lock

echo "downstream: against the crate as it is (snapshot, no generator)"
cargo build --quiet --manifest-path "$manifest"

changed=$(mktemp --suffix=.yaml)
trap 'rm -f "$changed" tests/downstream/Cargo.lock' EXIT
python3 - openapi/smapi.yaml "$changed" <<'PY'
import sys
text = open(sys.argv[1]).read()

def once(old, new):
    global text
    if text.count(old) != 1:
        sys.exit(f"downstream.sh: expected exactly one {old!r} in the spec; update the script")
    text = text.replace(old, new)

# An added response enum value.
once("responses. Open: accept values not listed here.\n      enum: [development, certified, live]\n",
     "responses. Open: accept values not listed here.\n      enum: [development, certified, live, preview]\n")
# An added optional response field.
once("    SkillSummary:\n      type: object\n      description: Summary of one stage of one skill.\n      required: [skillId]\n      properties:\n",
     "    SkillSummary:\n      type: object\n      description: Summary of one stage of one skill.\n      required: [skillId]\n      properties:\n"
     "        downstreamProbe:\n          type: string\n          description: Added by scripts/downstream.sh.\n")
open(sys.argv[2], "w").write(text)
PY
echo "downstream: against a spec with an added optional field and enum value"
ALEXA_SMAPI_SPEC="$changed" cargo build --quiet --manifest-path "$manifest" --features generate
# Prove the changed spec was really compiled in.
grep -rqs "downstreamProbe" "$CARGO_TARGET_DIR"/debug/build/alexa-smapi-*/out/smapi_client.rs ||
  { echo "downstream.sh: the changed spec was not used" >&2; exit 1; }
echo "downstream: compiles unchanged before and after a compatible spec change"

#!/usr/bin/env bash
# Spec checks that need third-party tools: lint, bundle, and the cross-language proof.
#
#   bash tools/spec-checks.sh                 install the pinned tools if needed, then run every check
#   bash tools/spec-checks.sh --install-only  only install the tools
#   bash tools/spec-checks.sh --install-node  only install the Node tools (`cargo xtask bundle` runs this itself)
#
# Tools and versions: tools/spec-tools/package.json + package-lock.json (npm ci) and
# tools/spec-tools/requirements.txt (pip, into a venv under target/spec-tools/venv).
# Installing is skipped when the installed set already matches the lock files, so a warm
# run only checks. Needs Node.js >= 20.19 with npm, and Python >= 3.11 with venv.
#
# Checks, in order (all run; the script fails if any failed):
#   1. redocly lint     (.redocly.yaml: recommended-strict, so a warning is an error)
#   2. spectral lint    (.spectral.yaml: spectral:oas, --fail-severity=warn)
#   3. cargo xtask bundle, then `sha256sum -c` on the bundle
#   4. openapi-typescript -> tsc --strict on the types plus tools/spec-tools/ts/usage.ts
#   5. openapi-python-client generate --fail-on-warning, then import every module
#   6. the generated Python client calls seven operations on the simulator (sim/) over loopback
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools/spec-tools"
BIN="$TOOLS/node_modules/.bin"
VENV="${SPEC_TOOLS_VENV:-$ROOT/target/spec-tools/venv}"
WORK="$ROOT/target/spec-checks"
SPEC="$ROOT/openapi/smapi.yaml"

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 FORCE_COLOR=0
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export PIP_DISABLE_PIP_VERSION_CHECK=1

install_only=false
node_only=false
case "${1:-}" in
  --install-only) install_only=true ;;
  --install-node) install_only=true; node_only=true ;;
  "") ;;
  *) echo "usage: bash tools/spec-checks.sh [--install-only | --install-node]" >&2; exit 2 ;;
esac

say() { printf '\n== %s\n' "$*"; }
die() { echo "spec-checks: $*" >&2; exit 1; }
stamp_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }
# apt_install, require_node, require_python, fresh_venv.
source "$ROOT/tools/prerequisites.sh"

install_node_tools() {
  # Redocly CLI 2 needs Node.js 20.19 or later.
  require_node 20 19
  local want have stamp="$TOOLS/node_modules/.spec-tools-stamp"
  want="$(stamp_of "$TOOLS/package.json" "$TOOLS/package-lock.json") node-$(node --version)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [[ "$want" == "$have" && -x "$BIN/redocly" ]]; then
    echo "node tools: up to date"
    return
  fi
  say "npm ci (tools/spec-tools)"
  # --ignore-scripts: none of the pinned tools needs an install script; it also keeps
  # a telemetry postinstall (@scarf/scarf, pulled in by Redocly) from running.
  (cd "$TOOLS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || die "npm ci failed"
  echo "$want" > "$stamp"
}

install_python_tools() {
  require_python
  local want have stamp="$VENV/.spec-tools-stamp"
  want="$(stamp_of "$TOOLS/requirements.txt") $(python3 --version 2>&1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [[ "$want" == "$have" && -x "$VENV/bin/openapi-python-client" ]]; then
    echo "python tools: up to date"
    return
  fi
  say "pip install -r tools/spec-tools/requirements.txt (venv $VENV)"
  fresh_venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-input -r "$TOOLS/requirements.txt" \
    || die "pip install failed"
  echo "$want" > "$stamp"
}

start=$SECONDS
# One installer at a time: parallel `cargo xtask bundle` runs (the xtask tests) on a fresh
# checkout would otherwise run two `npm ci` into the same node_modules. The lock is released
# when the installs are done.
mkdir -p "$ROOT/target"
exec 9>"$ROOT/target/.spec-tools.lock"
flock 9 || die "cannot lock $ROOT/target/.spec-tools.lock"
install_node_tools
$node_only || install_python_tools
exec 9>&-
echo "tools ready in $((SECONDS - start)) s"
$install_only && exit 0

failed=()
# Runs one named check; its output is shown, its failure recorded.
check() {
  local name="$1"; shift
  say "$name"
  local t=$SECONDS
  if "$@"; then
    echo "ok: $name ($((SECONDS - t)) s)"
  else
    echo "FAILED: $name" >&2
    failed+=("$name")
  fi
}

# Redocly prints a Node.js 20 end-of-life banner on every run; drop it, keep the rest.
redocly() {
  "$BIN/redocly" "$@" 2>&1 | grep -v '[║╔╚]'
  return "${PIPESTATUS[0]}"
}

lint_redocly() { redocly lint "$SPEC" --config "$ROOT/.redocly.yaml" --format=stylish; }
lint_spectral() {
  "$BIN/spectral" lint "$SPEC" --ruleset "$ROOT/.spectral.yaml" --fail-severity=warn
}

bundle() {
  (cd "$ROOT" && cargo xtask bundle --out "$ROOT/target/spec-bundle") || return 1
  (cd "$ROOT/target/spec-bundle" && sha256sum -c SHA256SUMS)
}

typescript() {
  local dir="$WORK/ts"
  rm -rf "$dir" && mkdir -p "$dir"
  "$BIN/openapi-typescript" "$SPEC" --output "$dir/smapi.ts" || return 1
  cp "$TOOLS/ts/usage.ts" "$dir/usage.ts"
  "$BIN/tsc" --strict --noEmit --noUncheckedIndexedAccess --exactOptionalPropertyTypes \
    --noUnusedLocals --target es2022 --module esnext --moduleResolution bundler \
    "$dir/smapi.ts" "$dir/usage.ts"
}

python_client() {
  local dir="$WORK/python"
  rm -rf "$dir" && mkdir -p "$dir"
  # openapi-python-client runs ruff from PATH to format what it writes.
  PATH="$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate \
    --path "$SPEC" --config "$TOOLS/python-client.yaml" --meta setup \
    --output-path "$dir/alexa-smapi-client" --fail-on-warning || return 1
  PYTHONPATH="$dir/alexa-smapi-client" "$VENV/bin/python" "$TOOLS/python/import_all.py"
}

python_against_simulator() {
  (cd "$ROOT" && cargo build --quiet -p alexa-smapi-sim) || return 1
  PYTHONPATH="$WORK/python/alexa-smapi-client" "$VENV/bin/python" \
    "$TOOLS/python/call_sim.py" "${CARGO_TARGET_DIR:-$ROOT/target}/debug/alexa-smapi-sim"
}

check "redocly lint" lint_redocly
check "spectral lint" lint_spectral
check "bundle (cargo xtask bundle)" bundle
check "TypeScript: openapi-typescript + tsc --strict" typescript
check "Python: openapi-python-client --fail-on-warning + import" python_client
check "Python client against the simulator" python_against_simulator

echo
if ((${#failed[@]})); then
  echo "spec checks FAILED ($((SECONDS - start)) s): ${failed[*]}" >&2
  exit 1
fi
echo "spec checks passed ($((SECONDS - start)) s)"

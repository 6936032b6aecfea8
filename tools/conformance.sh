#!/usr/bin/env bash
# Conformance: what nobody here wrote, against the simulator.
#
#   bash tools/conformance.sh
#
# 1. Amazon's ASK CLI (npm ask-cli) runs every `ask smapi` subcommand that maps to one of the
#    spec's operations, and Amazon's Node SMAPI SDK (npm ask-smapi-sdk) calls the same
#    operations; both log in with a refresh token through the simulator's Login with Amazon,
#    and every answer is compared with the simulator's state (tools/conformance/amazon_clients.mjs).
# 2. Schemathesis (pip) runs `--checks all` on all 12 operations of openapi/smapi.yaml against
#    the simulator and must find 0 failures. The rules OpenAPI 3.0 cannot express are listed,
#    with reasons, in tools/conformance/schemathesis.toml; nothing else is suppressed. Test
#    data (skills and a discovery session that exist) comes from
#    tools/conformance/schemathesis_data.py, and tools/conformance/schemathesis_hooks.py lets
#    Schemathesis read the listing's `application/json+hal` body so its schema is checked too.
#
# Versions: tools/conformance/package.json + package-lock.json (npm ci; the lock pins
# ask-cli 2.30.7, ask-smapi-sdk 1.3.0 and, through `overrides`, antlr4ts 0.5.0-alpha.4, which
# the CLI needs to start) and tools/conformance/requirements.txt (schemathesis 4.32.5 and
# everything it pulls in, into a venv under target/conformance/venv). Installing is skipped
# when the installed set matches. Needs Node.js >= 18 with npm and Python >= 3.11 with venv;
# on Debian or Ubuntu, missing ones are installed with apt-get (as root, or with sudo -n).
# Each phase prints its time; the script exits 1 if any check failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools/conformance"
VENV="$ROOT/target/conformance/venv"
WORK="$ROOT/target/conformance"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export PIP_DISABLE_PIP_VERSION_CHECK=1 NO_COLOR=1
# Test cases per operation and phase; the total is printed at the end.
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-20}"

die() { echo "conformance: $*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }
stamp_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

# Seconds per phase, printed at the end.
phases=()
phase_start=$SECONDS
phase_done() { phases+=("$1: $((SECONDS - phase_start)) s"); phase_start=$SECONDS; }

# apt_install, require_node, require_python, fresh_venv.
source "$ROOT/tools/prerequisites.sh"

install_node() {
  # The ASK CLI and the SMAPI SDK run on Node.js 18 and later.
  require_node 18 0
  local stamp="$TOOLS/node_modules/.conformance-stamp" want
  want="$(stamp_of "$TOOLS/package.json" "$TOOLS/package-lock.json") node-$(node --version)"
  if [[ "$(cat "$stamp" 2>/dev/null)" == "$want" && -x "$TOOLS/node_modules/.bin/ask" ]]; then
    echo "node tools: up to date"
    return
  fi
  say "npm ci (tools/conformance)"
  # --ignore-scripts: neither client needs an install script.
  (cd "$TOOLS" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  echo "$want" > "$stamp"
}

install_python() {
  require_python
  local stamp="$VENV/.conformance-stamp" want
  want="$(stamp_of "$TOOLS/requirements.txt") $(python3 --version 2>&1)"
  if [[ "$(cat "$stamp" 2>/dev/null)" == "$want" && -x "$VENV/bin/schemathesis" ]]; then
    echo "python tools: up to date"
    return
  fi
  say "pip install -r tools/conformance/requirements.txt (venv $VENV)"
  fresh_venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-input -r "$TOOLS/requirements.txt" || die "pip install failed"
  echo "$want" > "$stamp"
}

SIM_PID=""
stop_sim() { [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; SIM_PID=""; }
trap stop_sim EXIT

# Starts a fresh simulator on a free port; sets SIM_URL.
start_sim() {
  stop_sim
  local out="$WORK/sim-$1.out"
  "$SIM" --port 0 --build-delay-ms 20 --publication-delay-ms 20 --discovery-delay-ms 20 \
    --quiet > "$out" 2> "$WORK/sim-$1.log" &
  SIM_PID=$!
  for _ in $(seq 100); do
    SIM_URL="$(head -n1 "$out" 2>/dev/null | awk '{print $NF}')"
    [[ "$SIM_URL" == http://* ]] && return 0
    sleep 0.1
  done
  die "the simulator did not start (see $WORK/sim-$1.log)"
}

mkdir -p "$WORK"
start=$SECONDS
install_node
phase_done "install Amazon's clients (npm)"
install_python
phase_done "install Schemathesis (pip)"
(cd "$ROOT" && cargo build --quiet -p alexa-smapi-sim) || die "cannot build the simulator"
SIM="${CARGO_TARGET_DIR:-$ROOT/target}/debug/alexa-smapi-sim"
phase_done "build the simulator"

failed=()

say "Amazon's ASK CLI and Node SMAPI SDK against the simulator"
start_sim clients
node "$TOOLS/amazon_clients.mjs" "$SIM_URL" | tee "$WORK/amazon-clients.txt"
[[ "${PIPESTATUS[0]}" == 0 ]] || failed+=("Amazon's clients")
clients="$(tail -n1 "$WORK/amazon-clients.txt")"
phase_done "ASK CLI and SMAPI SDK checks"

# One Schemathesis run over all 12 operations with config $2 (label $1); records failures and
# adds its case count to total_cases.
total_cases=0
schemathesis_run() {
  local label="$1" config="$2" out="$WORK/schemathesis-$1.txt"
  say "Schemathesis --checks all, $label (all 12 operations, $EXAMPLES examples per operation and phase)"
  # --workers 1: with more than one worker, Hypothesis describes filter lambdas by parsing
  # their source (ast) in several threads at once, and CPython (seen on 3.11) then raises
  # "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905), which
  # Schemathesis reports as a runtime error. One worker avoids the race; nothing is skipped.
  # Run from $WORK: Schemathesis keeps a .schemathesis/ cache in its working directory.
  (cd "$WORK" && SCHEMATHESIS_HOOKS="$TOOLS/schemathesis_hooks.py" \
  "$VENV/bin/schemathesis" --config-file "$config" run "$ROOT/openapi/smapi.yaml" \
    --url "$SIM_URL" --checks all -H "Authorization: Bearer $CONFORMANCE_TOKEN" \
    --max-examples "$EXAMPLES" --seed 20261202 --no-color --workers 1 \
    --report junit --report-junit-path "$WORK/schemathesis-$label-junit.xml" \
    2>&1) | tee "$out"
  [[ "${PIPESTATUS[0]}" == 0 ]] || failed+=("Schemathesis ($label)")
  # A run that tested fewer operations than the spec has, or no case at all, fails too.
  grep -q '^  Tested: 12$' "$out" || failed+=("Schemathesis ($label) did not test all 12 operations")
  # The summary line: "N generated, N passed" and, when cases were skipped, ", N skipped".
  local line generated passed
  line="$(grep -E '^  [0-9]+ generated, [0-9]+ passed(, [0-9]+ skipped)?$' "$out" | tail -n1)"
  generated="$(awk '{print $1}' <<<"$line")"
  passed="$(awk '{print $3}' <<<"$line" | tr -d ,)"
  if [[ -n "$generated" && "$generated" -gt 0 && "$generated" == "$passed" ]]; then
    total_cases=$((total_cases + generated))
    summary+=("Schemathesis ($label):${line}")
  else
    failed+=("Schemathesis ($label) case count")
    summary+=("Schemathesis ($label): ${line:-no case count}")
  fi
}

summary=("Amazon's clients: $clients")

# Run 1: every value generated, IDs included (their format and length rules are fuzzed).
start_sim schemathesis-generated
eval "$("$VENV/bin/python" "$TOOLS/schemathesis_data.py" "$SIM_URL" | grep '^CONFORMANCE_TOKEN=')" \
  || die "no access token from the simulator"
export CONFORMANCE_TOKEN
schemathesis_run generated "$TOOLS/schemathesis.toml"
phase_done "Schemathesis, generated IDs"

# Run 2: the same checks, with IDs of a skill and a discovery session that exist, so every
# operation's own logic is reached (tools/conformance/schemathesis-data.toml).
start_sim schemathesis-data
data="$("$VENV/bin/python" "$TOOLS/schemathesis_data.py" "$SIM_URL")" \
  || die "cannot create Schemathesis' test data in the simulator"
eval "$data"
export CONFORMANCE_TOKEN CONFORMANCE_VENDOR_ID CONFORMANCE_SKILL_ID CONFORMANCE_DELETE_SKILL_ID \
  CONFORMANCE_SESSION_ID
cat "$TOOLS/schemathesis.toml" "$TOOLS/schemathesis-data.toml" > "$WORK/schemathesis-data.toml"
schemathesis_run existing-ids "$WORK/schemathesis-data.toml"
phase_done "Schemathesis, existing IDs"

stop_sim
echo
printf '%s\n' "${summary[@]}"
echo "Schemathesis: $total_cases test cases in all"
printf 'time: %s\n' "${phases[@]}"
if ((${#failed[@]})); then
  echo "conformance FAILED ($((SECONDS - start)) s): ${failed[*]}" >&2
  exit 1
fi
echo "conformance passed ($((SECONDS - start)) s)"

#!/usr/bin/env bash
# Size and start-up time of the release `smapi` binary. Prints numbers; not part of CI.
#
#   bash cli/bench/startup.sh
#
# Measures, with hyperfine (installed from Debian if missing), in one run:
#   - `/bin/true`: the cost of starting any process here (the floor);
#   - `alexa-smapi-sim --help`: another clap binary of this workspace (the baseline);
#   - `smapi --help`;
#   - `smapi list-skills-for-vendor` against a simulator already running (one LWA refresh and
#     one SMAPI call over loopback, as a pipeline step pays them);
#   - `smapi --sim list-skills-for-vendor`: the same call with the simulator started inside
#     the command (what every `--help` example pays).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v hyperfine >/dev/null; then
  apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
fi

cargo build --release --locked -p alexa-smapi-cli -p alexa-smapi-sim --bin smapi --bin alexa-smapi-sim
SMAPI="$PWD/target/release/smapi"
SIM="$PWD/target/release/alexa-smapi-sim"

bytes=$(stat -c %s "$SMAPI")
stripped="$(mktemp)"
strip -o "$stripped" "$SMAPI"
sbytes=$(stat -c %s "$stripped")
rm -f "$stripped"
awk -v b="$bytes" -v s="$sbytes" 'BEGIN {
  printf "smapi release binary: %d bytes (%.1f MiB); stripped: %d bytes (%.1f MiB)\n", b, b / 1048576, s, s / 1048576 }'
printf 'alexa-smapi-sim release binary: %d bytes\n' "$(stat -c %s "$SIM")"

port=4917
"$SIM" --port "$port" >/dev/null 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

work="$(mktemp -d)"
export HOME="$work" SMAPI_SIM_STATE="$work/sim-state.json"
export ASK_SMAPI_SERVER_BASE_URL="http://127.0.0.1:$port" ASK_LWA_TOKEN_HOST="http://127.0.0.1:$port"
export ASK_REFRESH_TOKEN='Atzr|sim-refresh-token' ASK_CLIENT_ID='amzn1.application-oa2-client.simulator'
export ASK_CLIENT_SECRET='sim-client-secret' ASK_VENDOR_ID='M1SIMVENDOR0001'

hyperfine -N --warmup 5 --runs 50 --export-markdown "$work/startup.md" \
  -n 'true (process floor)' 'true' \
  -n 'alexa-smapi-sim --help (baseline)' "$SIM --help" \
  -n 'smapi --help' "$SMAPI --help" \
  -n 'smapi list-skills-for-vendor (running simulator)' "$SMAPI list-skills-for-vendor --output json" \
  -n 'smapi --sim list-skills-for-vendor' "$SMAPI --sim list-skills-for-vendor --output json"
cat "$work/startup.md"

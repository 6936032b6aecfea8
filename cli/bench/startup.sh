#!/usr/bin/env bash
# Size and start-up time of the release `smapi` binary. Prints numbers; not part of CI.
#
#   bash cli/bench/startup.sh [RUNS]
#
# Measures, in one run, each command RUNS times (default 30), interleaved (one run of each
# in turn, so a busy machine slows all of them alike), with hyperfine when it is installed and
# otherwise with a `date +%s%N` loop that prints the median:
#   - `true`: the cost of starting any process here (the floor; the loop's own `date` calls
#     are in it too);
#   - `alexa-smapi-sim --help`: another clap binary of this workspace (the baseline);
#   - `smapi --help`;
#   - `smapi list-skills-for-vendor` against a simulator already running (one LWA token refresh
#     and one SMAPI call over loopback, as a pipeline step pays them);
#   - `smapi --sim list-skills-for-vendor`: the same call with the simulator started inside
#     the command (what every `--help` example pays).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-30}"

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

names=(
  'true (process floor)'
  'alexa-smapi-sim --help (baseline)'
  'smapi --help'
  'smapi list-skills-for-vendor (running simulator)'
  'smapi --sim list-skills-for-vendor'
)
commands=(
  'true'
  "$SIM --help"
  "$SMAPI --help"
  "$SMAPI list-skills-for-vendor --output json"
  "$SMAPI --sim list-skills-for-vendor --output json"
)
printf 'load before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
  hyperfine -N --warmup 5 --runs "$RUNS" --export-markdown "$work/startup.md" "${args[@]}"
  cat "$work/startup.md"
  exit 0
fi

for i in "${!commands[@]}"; do ${commands[$i]} >/dev/null 2>&1; done # warm-up
for _ in $(seq "$RUNS"); do
  for i in "${!commands[@]}"; do
    t0=$(date +%s%N)
    ${commands[$i]} >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( t1 - t0 )) >> "$work/times.$i"
  done
done
printf '%-52s %10s %10s %10s\n' command 'median ms' 'min ms' 'max ms'
for i in "${!names[@]}"; do
  sort -n "$work/times.$i" | awk -v name="${names[$i]}" '
    { t[NR] = $1 }
    END {
      m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%-52s %10.1f %10.1f %10.1f\n", name, m / 1e6, t[1] / 1e6, t[NR] / 1e6
    }'
done
printf 'runs: %s each, interleaved; load after: %s\n' "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# What linking alexa-smapi costs a dependent, against the bare stack it sits on, measured in
# the same run: a cold debug `cargo build` (fresh target dirs, sources already downloaded) of
#   bare       reqwest (the crate's features) + tokio + serde + serde_json
#   dependent  alexa-smapi (path dependency) + tokio
# Prints both times, the crates each compiles and the ratio (target: at most 1.5).
#
#   bash scripts/build_cost.sh              # dependent with default-features = false (lean)
#   bash scripts/build_cost.sh default      # dependent with the default features too
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

reqwest_features=$(python3 - <<'PY'
import re
text = open("Cargo.toml").read()
m = re.search(r'^reqwest = \{.*?features = (\[[^\]]*\])', text, re.M)
print(m.group(1))
PY
)
tokio='tokio = { version = "1", features = ["rt-multi-thread", "macros"] }'

crate() { # name, dependency lines, lib body
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
TOML
  printf '%s\n' "$3" > "$work/$1/src/lib.rs"
  cp Cargo.lock "$work/$1/Cargo.lock"
}

crate bare "reqwest = { version = \"0.13\", default-features = false, features = $reqwest_features }
serde = { version = \"1\", features = [\"derive\"] }
serde_json = \"1\"
$tokio" 'pub fn client() -> reqwest::Client { reqwest::Client::new() }
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Probe { pub n: u32 }
pub fn json(p: &Probe) -> String { serde_json::to_string(p).unwrap_or_default() }
pub async fn nap() { tokio::task::yield_now().await }'

variants=("lean")
[[ "${1:-}" == "default" ]] && variants+=("default")
for v in "${variants[@]}"; do
  if [[ $v == lean ]]; then spec='default-features = false'; else spec=''; fi
  crate "dep_$v" "alexa-smapi = { path = \"$root\" $( [[ -n $spec ]] && echo ", $spec") }
$tokio" 'pub fn client() -> Result<alexa_smapi::Smapi, alexa_smapi::Error> {
    alexa_smapi::Smapi::builder().access_token("t").vendor_id("M1").build()
}'
done

measure() { # crate dir -> "seconds crates"
  local dir=$work/$1
  (cd "$dir" && cargo fetch --quiet)
  local start end
  start=$(date +%s.%N)
  (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo build --quiet)
  end=$(date +%s.%N)
  local crates
  crates=$(find "$dir/target/debug/deps" -name '*.rlib' -o -name '*.so' | sed -E 's#.*/(lib)?([^/-]+)-[0-9a-f]+\..*#\2#' | sort -u | wc -l)
  echo "$(python3 -c "print(f'{$end - $start:.1f}')") $crates"
}

read -r bare_s bare_n < <(measure bare)
echo "bare       (reqwest + tokio + serde + serde_json): ${bare_s} s, ${bare_n} crates"
for v in "${variants[@]}"; do
  read -r dep_s dep_n < <(measure "dep_$v")
  ratio=$(python3 -c "print(f'{$dep_s / $bare_s:.2f}')")
  echo "dependent  (alexa-smapi, $v): ${dep_s} s, ${dep_n} crates, ${ratio}x bare"
done

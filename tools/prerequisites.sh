#!/usr/bin/env bash
# Shared by tools/spec-checks.sh and tools/conformance.sh (sourced, not run): makes sure
# Node.js with npm, and Python with venv, are present and new enough, installing Debian's
# packages with apt-get when they are missing and this machine allows it (root, or sudo -n).
# The caller defines `die` and `say`.

# Installs Debian packages when this is a Debian/Ubuntu machine and we may (root or sudo -n).
apt_install() {
  command -v apt-get >/dev/null || return 1
  local sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    sudo -n true 2>/dev/null || return 1
    sudo="sudo -n"
  fi
  say "apt-get install $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# require_node MAJOR MINOR: Node.js >= MAJOR.MINOR with npm, or die saying what is needed.
require_node() {
  local want="$1.$2"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm \
      || die "Node.js with npm is not installed and apt-get cannot install it (need >= $want)"
  fi
  node -e "const [a, b] = process.versions.node.split('.').map(Number);
           process.exit(a > $1 || (a === $1 && b >= $2) ? 0 : 1)" \
    || die "Node.js $(node --version) is too old (need >= $want; Debian's package may be older: install from nodejs.org)"
}

# require_python: Python >= 3.11, or die saying what is needed.
require_python() {
  if ! command -v python3 >/dev/null; then
    apt_install python3 python3-venv \
      || die "python3 is not installed and apt-get cannot install it (need >= 3.11 with venv)"
  fi
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$(python3 --version 2>&1) is too old (need >= 3.11)"
}

# fresh_venv DIR: a new virtual environment at DIR (replacing any there).
fresh_venv() {
  local venv="$1"
  rm -rf "$venv"
  # Debian's python3 has no venv (ensurepip) until python3-venv is installed.
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    apt_install python3-venv || die "python3 -m venv failed and apt-get cannot install python3-venv"
    python3 -m venv "$venv" || die "python3 -m venv failed"
  fi
}

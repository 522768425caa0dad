#!/usr/bin/env bash
# Install whatever is missing for spotcheck on a Debian 12 machine; safe to run again (idempotent).
#   - Debian packages: PostGIS for the installed PostgreSQL, Chromium and a CJK font for browser tests
#   - uv, and the locked Python environment in .venv
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PG_MAJOR="${PG_MAJOR:-15}"
APT_PACKAGES=(
  "postgresql-${PG_MAJOR}"
  "postgresql-${PG_MAJOR}-postgis-3"
  "postgresql-${PG_MAJOR}-pgrouting"
  chromium
  chromium-driver
  fonts-wqy-zenhei
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv"
  python3 -m pip install --quiet uv
fi

# --frozen: install exactly what uv.lock says, never re-resolve.
uv sync --frozen --inexact --quiet
echo "setup: ready (.venv, PostGIS and pgRouting ${PG_MAJOR}, Chromium)"

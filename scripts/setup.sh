#!/usr/bin/env bash
# Install everything sysbuild and its test suite need on Debian 12 (as root), then run the demo.
#   bash scripts/setup.sh            install + demo
#   bash scripts/setup.sh --no-demo  install only (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  runc umoci skopeo busybox-static docker-registry apache2-utils pigz zstd iproute2 systemd libcap2-bin
  docker.io python3 python3-jsonschema curl git ca-certificates time attr
)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not root or no apt-get: skipping Debian packages (${APT_PACKAGES[*]})" >&2
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build

if [ "${1:-}" != "--no-demo" ]; then
  bash scripts/demo.sh
fi

#!/usr/bin/env bash
# The main job, end to end, in a scratch directory and a scratch --root (nothing outside them changes):
# scaffold hello-world, lint it, build the image, install it, start it, fetch its greeting, then clean up.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
sysbuild() { echo "+ sysbuild $*" >&2; node "$repo/bin/run.js" "$@"; }
work="$(mktemp -d /tmp/sysbuild-demo.XXXXXX)"
export SYSBUILD_ROOT="$work/root"
cleanup() {
  node "$repo/bin/run.js" stop hello-world >/dev/null 2>&1 || true
  node "$repo/bin/run.js" uninstall hello-world >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

sysbuild init hello-world
sysbuild lint hello-world --strict
sysbuild build hello-world
sysbuild install hello-world --set PORT="$port" --set RECEIVER=sysbuild-demo
sysbuild start hello-world
for _ in $(seq 1 40); do
  greeting="$(curl -sf "http://127.0.0.1:$port/" || true)"
  [ -n "$greeting" ] && break
  sleep 0.25
done
echo "+ curl http://127.0.0.1:$port/" >&2
echo "${greeting:?the container did not answer}"
sysbuild containers
sysbuild stop hello-world
sysbuild uninstall hello-world
echo "demo: done"

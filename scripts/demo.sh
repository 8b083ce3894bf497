#!/usr/bin/env bash
# The main job, end to end, in a scratch directory and a scratch --root (nothing outside them changes):
# scaffold hello-world, lint it, build the image, install it, start it, fetch its greeting, then clean up.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
sysbuild() { echo "+ sysbuild $*" >&2; node "$repo/bin/run.js" "$@"; }
work="$(mktemp -d /tmp/sysbuild-demo.XXXXXX)"
export SYSBUILD_ROOT="$work/root"
registry_pid=""
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  node "$repo/bin/run.js" stop hello-world >/dev/null 2>&1 || true
  node "$repo/bin/run.js" uninstall hello-world >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"

sysbuild init hello-world
sysbuild lint hello-world --strict
sysbuild build hello-world

# Ship it through a real CNCF registry started here on loopback, and read it back with skopeo.
reg_port="$(free_port)"
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<YML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry/data}}
http: {addr: "127.0.0.1:$reg_port", secret: demo-not-secret}
YML
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 40); do curl -sf "http://127.0.0.1:$reg_port/v2/" >/dev/null && break; sleep 0.25; done
sysbuild push hello-world "127.0.0.1:$reg_port/demo/hello-world:latest"
echo "+ skopeo inspect docker://127.0.0.1:$reg_port/demo/hello-world:latest" >&2
skopeo inspect --tls-verify=false "docker://127.0.0.1:$reg_port/demo/hello-world:latest" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("registry holds", d["Digest"], "labels", d["Labels"])'
# Install what the registry holds (pulled into the store, digests verified), not the local build.
sysbuild install "127.0.0.1:$reg_port/demo/hello-world:latest" --set PORT="$port" --set RECEIVER=sysbuild-demo
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

#!/usr/bin/env bash
# The main job, end to end, in a scratch directory: scaffold the hello-world project and lint it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
sysbuild() { node "$repo/bin/run.js" "$@"; }
work="$(mktemp -d /tmp/sysbuild-demo.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "+ sysbuild init hello-world"
sysbuild init hello-world
echo "+ sysbuild lint hello-world --strict"
sysbuild lint hello-world --strict
echo "demo: done"

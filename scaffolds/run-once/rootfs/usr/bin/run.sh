#!/bin/busybox sh
# A run-once task (label atomic.run=once): `sysbuild install` runs it once in the
# foreground and keeps nothing but what it writes to /var/lib/@NAME@, which is
# ${STATE_DIRECTORY}/${NAME} on the host. Replace this with your task; its exit
# status is the install's exit status.
# MESSAGE comes from config.json (manifest.json defaultValues, or `--set`).
set -eu
echo "$MESSAGE"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $MESSAGE" >>/var/lib/@NAME@/runs.log

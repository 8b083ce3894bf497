#!/bin/busybox sh
# A long-running service: replace this loop with your daemon. In the container
#   /etc/@NAME@      is ${CONF_DIRECTORY}/${NAME} on the host (read-only),
#   /var/lib/@NAME@  is ${STATE_DIRECTORY}/${NAME} (kept across updates),
#   /run/@NAME@      is ${RUN_DIRECTORY}/${NAME} (gone at reboot).
# INTERVAL comes from config.json (manifest.json defaultValues, or `--set`).
set -eu
conf=/etc/@NAME@/@NAME@.conf
state=/var/lib/@NAME@
if [ -r "$conf" ]; then . "$conf"; fi

starts=$(cat "$state/starts" 2>/dev/null || echo 0)
starts=$((starts + 1))
echo "$starts" >"$state/starts"
echo "@NAME@ started (start number $starts), heartbeat every $INTERVAL s"

# As PID 1 the shell only gets the signals it traps: exit 0 on `runc kill`
# (SIGTERM), so that `systemctl stop` ends the unit cleanly.
trap 'echo "@NAME@ stopping"; exit 0' TERM INT
while true; do
    date >/run/@NAME@/heartbeat
    sleep "$INTERVAL" &
    wait $! || true
done

#!/bin/busybox sh
# A service configured from the host: /etc/@NAME@ is ${CONF_DIRECTORY}/${NAME} on the
# host (read-only here), filled at install time from exports/hostfs. /run/@NAME@ is
# ${RUN_DIRECTORY}/${NAME}. Replace this loop with your daemon.
set -eu
GREETING=Hello
INTERVAL=60
conf=/etc/@NAME@/@NAME@.conf
if [ -r "$conf" ]; then . "$conf"; fi
echo "@NAME@: $GREETING"

# As PID 1 the shell only gets the signals it traps: exit 0 on `runc kill`
# (SIGTERM), so that `systemctl stop` ends the unit cleanly.
trap 'echo "@NAME@ stopping"; exit 0' TERM INT
while true; do
    date >/run/@NAME@/heartbeat
    sleep "$INTERVAL" &
    wait $! || true
done

#!/bin/busybox sh
# Serve a greeting over HTTP on $PORT. PORT and RECEIVER come from config.json
# (manifest.json defaultValues, or `--set` at install time); the host name is the
# container name. /run/www is ${RUN_DIRECTORY}/${NAME} on the host.
set -eu
www=/run/www
printf 'Hello %s from sysbuild %s!\n' "$RECEIVER" "$(hostname)" >"$www/index.html"

# As PID 1 the shell only gets the signals it traps: stop httpd and exit 0 on
# `runc kill` (SIGTERM), so that `systemctl stop` ends the unit cleanly.
httpd -f -p "$PORT" -h "$www" &
child=$!
trap 'kill "$child" 2>/dev/null || true; wait "$child" || true; exit 0' TERM INT
wait "$child"

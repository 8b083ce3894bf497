#!/bin/bash
# Start-up and rebuild times of two sysbuild trees side by side, round by round (so both meet the same noise):
# `--version`, `lint` of the hello-world example, a hello-world rebuild after editing one exports file (lint on),
# and a `--no-lint` rebuild of a tree copied from /usr/lib (SIZE_MIB, default 1024) after editing one exports file.
# Usage: bench/startup/compare.sh BEFORE_REPO AFTER_REPO [SIZE_MIB]   (RUNS=N rounds, default 5; each tree must be
# built the way it builds itself). Prints the fastest wall time and the largest peak RSS of each. Writes only under
# a temp dir it removes.
set -euo pipefail
BEFORE=$(cd "$1" && pwd)
AFTER=$(cd "$2" && pwd)
SIZE_MIB=${3:-1024}
RUNS=${RUNS:-5}
W=$(mktemp -d /tmp/sb-startup-XXXXXX)
trap 'rm -rf "$W"' EXIT
export SOURCE_DATE_EPOCH=1700000000

R=$W/rootfs
mkdir -p "$R/usr/lib"
budget=$((SIZE_MIB * 1024))
for d in $(du -sk /usr/lib/* 2>/dev/null | sort -rn | awk '{print $2}'); do
  k=$(du -sk "$d" | cut -f1)
  [ "$k" -le "$budget" ] || continue
  cp -a "$d" "$R/usr/lib/" && budget=$((budget - k))
  [ "$budget" -gt 10240 ] || break
done
tar -C "$R" -cf - . | cat >/dev/null
for side in before after; do
  repo=$BEFORE; [ "$side" = after ] && repo=$AFTER
  cp -r "$AFTER/examples/hello-world" "$W/hw-$side"
  cp -r "$AFTER/examples/hello-world/exports" "$W/exports-$side"
  node "$repo/bin/run.js" build "$W/hw-$side" --root "$W/store-hw-$side" >/dev/null 2>&1
  node "$repo/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports-$side" -t bench:1 --no-lint --root "$W/store-big-$side" >/dev/null 2>&1
done

: >"$W/raw.tsv"
run() { # side, name, command...
  local side=$1 name=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$W/t.txt" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$name" "$side" "$(cat "$W/t.txt")" >>"$W/raw.tsv"
}
for _ in $(seq 1 "$RUNS"); do
  for side in before after; do
    repo=$BEFORE; [ "$side" = after ] && repo=$AFTER
    run "$side" "--version" node "$repo/bin/run.js" --version
    run "$side" "lint examples/hello-world" node "$repo/bin/run.js" lint "$W/hw-$side"
    echo '# edited' >>"$W/hw-$side/exports/service.template"
    run "$side" "hello-world rebuild (lint on)" node "$repo/bin/run.js" build "$W/hw-$side" --root "$W/store-hw-$side"
    echo '# edited' >>"$W/exports-$side/service.template"
    run "$side" "${SIZE_MIB} MiB tree rebuild (--no-lint)" node "$repo/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports-$side" -t bench:1 --no-lint --root "$W/store-big-$side"
  done
done

echo "$(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS rounds; $(find "$R" | wc -l) entries in the tree"
awk -F'\t' '
  {split($3, v, " "); k=$1 SUBSEP $2; if (!(k in w) || v[1] < w[k]) w[k]=v[1]; if (v[2] > m[k]) m[k]=v[2]; if (!($1 in seen)) {seen[$1]=1; order[++n]=$1}}
  END {
    printf "| command | before s | after s | before RSS MB | after RSS MB |\n|---|---|---|---|---|\n"
    for (i=1;i<=n;i++) {b=order[i] SUBSEP "before"; a=order[i] SUBSEP "after"; printf "| %s | %.2f | %.2f | %.0f | %.0f |\n", order[i], w[b], w[a], m[b]/1024, m[a]/1024}
  }' "$W/raw.tsv"

#!/bin/bash
# Benchmark: directory of ~1 GiB of real files in ~40k entries (copied from /usr) → one gzip layer, side by side in one run:
#   sysbuild build (pgzip, gzip, none), umoci insert, tar | gzip -6, tar | pigz -p2 -1,
# plus a sysbuild rebuild after editing one exports file. Wall time, throughput and peak RSS from /usr/bin/time -v.
# Usage: [FILES=40000] bench/build/run.sh [SIZE_MIB]   (default 1024; run from anywhere; needs umoci, pigz, /usr/bin/time; root
# is not required). RUNS=N runs everything N times, round by round (default 1), and keeps each run's fastest wall
# time and largest peak RSS. Writes only under a temp dir it removes. Compare tools as ratios within one run: the machines
# are shared and noisy.
set -euo pipefail
SIZE_MIB=${1:-1024}
FILES=${FILES:-40000}
RUNS=${RUNS:-1}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/sb-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
for t in umoci pigz gzip tar /usr/bin/time node; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }; done
# What `npm run build` does (tsc, precompiled schema validators, the oclif manifest), but tolerant of type errors
# in files under construction elsewhere.
(cd "$REPO" && { npx tsc -p tsconfig.json >/dev/null || true; } && node scripts/gen-validators.mjs && node scripts/gen-manifest.mjs)

# 1. The input, about SIZE_MIB of real files in about FILES entries: whole directories with many small files
# (/usr/share/*, /usr/include; most entries first) while the entry budget lasts, then whole package
# directories of /usr/lib (largest first) for the bytes. FILES=0 takes only /usr/lib (a few thousand big files).
R=$W/rootfs
mkdir -p "$R/usr/lib" "$R/usr/share"
budget=$((SIZE_MIB * 1024))
entries=$FILES
if [ "$entries" -gt 0 ]; then
  for d in $(for x in /usr/share/* /usr/include; do [ -d "$x" ] && echo "$(find "$x" | wc -l) $x"; done | sort -rn | awk '{print $2}'); do
    n=$(find "$d" | wc -l); k=$(du -sk "$d" | cut -f1)
    [ "$n" -le "$entries" ] && [ "$k" -le "$budget" ] || continue
    cp -a "$d" "$R$(dirname "$d")/" && entries=$((entries - n)) && budget=$((budget - k))
    [ "$entries" -gt 500 ] || break
  done
fi
for d in $(du -sk /usr/lib/* 2>/dev/null | sort -rn | awk '{print $2}'); do
  k=$(du -sk "$d" | cut -f1)
  [ "$k" -le "$budget" ] || continue
  cp -a "$d" "$R/usr/lib/" && budget=$((budget - k))
  [ "$budget" -gt 10240 ] || break
done
BYTES=$(du -sb "$R" | cut -f1)
COUNT=$(find "$R" | wc -l)
tar -C "$R" -cf - . | cat >/dev/null   # warm the page cache for everyone
tar -C "$R" -cf "$W/floor.tar" .       # the disk floor row: writing this much and syncing it
cp -r "$REPO/examples/hello-world/exports" "$W/exports"

# 2. Runs, in RUNS rounds (each round runs every tool once, so all of them meet the same noise). Each line of
# raw.tsv: name, wall s, max RSS KiB, output bytes.
: >"$W/raw.tsv"
measure() { # name, output file or dir (removed before the run unless KEEP=1), command...
  local name=$1 out=$2; shift 2
  [ -n "${KEEP:-}" ] || [ "$out" = "$W/empty" ] || rm -rf "$out"
  [ -z "${BEFORE:-}" ] || eval "$BEFORE"
  /usr/bin/time -v -o "$W/time.txt" "$@" >/dev/null 2>"$W/stderr.txt" || { cat "$W/stderr.txt" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$W/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.txt")
  printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$rss" "$(du -sb "$out" | cut -f1)" >>"$W/raw.tsv"
}
SB="$REPO/bin/run.js build --from scratch --rootfs $R --exports $W/exports -t bench:1 --no-lint --no-cache"
export SOURCE_DATE_EPOCH=1700000000
# The store the rebuilds start from.
"$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports" -t bench:1 --no-lint --root "$W/sb4" >/dev/null 2>&1
LIB_MS=
for _ in $(seq 1 "$RUNS"); do
  measure "sysbuild none" "$W/sb3" $SB --root "$W/sb3" --compression none
  measure "umoci insert" "$W/umoci" sh -c "umoci init --layout '$W/umoci' && umoci new --image '$W/umoci:latest' && umoci insert --image '$W/umoci:latest' '$R' /"
  measure "dd of the tar + fdatasync (disk floor)" "$W/dd.out" dd if="$W/floor.tar" of="$W/dd.out" bs=1M conv=fdatasync
  measure "sysbuild pgzip -1" "$W/sb1" $SB --root "$W/sb1" --compression pgzip
  measure "tar | pigz -p2 -1" "$W/pigz.tar.gz" sh -c "tar -C '$R' -cf - . | pigz -p2 -1 >'$W/pigz.tar.gz'"
  measure "tar | gzip -6" "$W/gzip6.tar.gz" sh -c "tar -C '$R' -cf - . | gzip -6 >'$W/gzip6.tar.gz'"
  measure "sysbuild gzip -1" "$W/sb2" $SB --root "$W/sb2" --compression gzip
  # Rebuilds after appending a line to exports/service.template (layer cache on): only the exports layer is written.
  # umoci insert (above) chmods and re-times every directory of the tree it reads, which moves their ctimes: the
  # first rebuild after it reads the xattrs again (its own row); the next ones are rebuilds after an exports edit.
  export KEEP=1 BEFORE="echo '# edited' >>'$W/exports/service.template'"
  measure "sysbuild rebuild, tree's ctimes moved by umoci" "$W/sb4" "$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports" -t bench:1 --no-lint --root "$W/sb4"
  measure "sysbuild rebuild, 1 exports file edited" "$W/sb4" "$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports" -t bench:1 --no-lint --root "$W/sb4"
  measure "sysbuild rebuild, lint on" "$W/sb4" "$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports" -t bench:1 --root "$W/sb4"
  unset KEEP BEFORE
  # The CLI's start-up alone, the floor under every CLI row.
  mkdir -p "$W/empty"
  measure "sysbuild --version (start-up)" "$W/empty" "$REPO/bin/run.js" --version
  # The same rebuild as one buildImage() call in a fresh node process: import time and build time.
  echo '# edited again' >>"$W/exports/service.template"
  read -r imp ms < <(cd "$REPO" && node --input-type=module -e "
    const t0 = performance.now()
    const {buildImage} = await import('./dist/src/engine/index.js')
    const t1 = performance.now()
    await buildImage({from: 'scratch', rootfs: ['$R'], exports: '$W/exports', tag: 'bench:1', lint: false, root: '$W/sb4', epoch: 1700000000})
    console.log(Math.round(t1 - t0), Math.round(performance.now() - t1))")
  if [ -z "$LIB_MS" ] || [ "$ms" -lt "$LIB_MS" ]; then LIB_MS=$ms; LIB_IMPORT=$imp; fi
done
# Per run: the fastest wall time and the largest peak RSS over the rounds.
awk -F'\t' '
  !($1 in wall) {order[++n]=$1; wall[$1]=$2; rss[$1]=$3}
  {if ($2 < wall[$1]) wall[$1]=$2; if ($3 > rss[$1]) rss[$1]=$3; size[$1]=$4}
  END {for (i=1;i<=n;i++) printf "%s\t%s\t%s\t%s\n", order[i], wall[order[i]], rss[order[i]], size[order[i]]}' "$W/raw.tsv" >"$W/results.tsv"

# 3. Report.
echo "input: $COUNT entries, $BYTES bytes (copied from /usr/share, /usr/include, /usr/lib); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS round(s)"
echo "node $(node --version), umoci $(umoci --version | awk '{print $3}'), pigz $(pigz --version 2>&1 | awk '{print $2}'), $(gzip --version | head -1)"
awk -F'\t' -v bytes="$BYTES" '
  {name[NR]=$1; wall[NR]=$2; rss[NR]=$3; size[NR]=$4; if ($1=="umoci insert") u=$2; if ($1=="tar | pigz -p2 -1") p=$2}
  END {
    printf "| run | wall s | MB/s | vs umoci | vs pigz -p2 -1 | peak RSS MB | output MB | ratio |\n|---|---|---|---|---|---|---|---|\n"
    for (i=1;i<=NR;i++) printf "| %s | %.2f | %.0f | %.2fx | %.2fx | %.0f | %.1f | %.3f |\n", name[i], wall[i], bytes/1e6/wall[i], wall[i]/u, wall[i]/p, rss[i]/1024, size[i]/1e6, size[i]/bytes
  }' "$W/results.tsv"
echo "library rebuild after editing one exports file: buildImage() ${LIB_MS} ms in a fresh process (after ${LIB_IMPORT} ms of imports)"

#!/bin/bash
# Benchmark: directory of ~1 GiB of real files (copied from /usr/lib) → one gzip layer, side by side in one run:
#   sysbuild build (pgzip, gzip, none), umoci insert, tar | gzip -6, tar | pigz -p2 -1,
# plus a sysbuild rebuild after editing one exports file. Wall time, throughput and peak RSS from /usr/bin/time -v.
# Usage: bench/build/run.sh [SIZE_MIB]   (default 1024; run from anywhere; needs umoci, pigz, /usr/bin/time; root
# is not required). Writes only under a temp dir it removes. Compare tools as ratios within one run: the machines
# are shared and noisy.
set -euo pipefail
SIZE_MIB=${1:-1024}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/sb-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
for t in umoci pigz gzip tar /usr/bin/time node; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }; done
[ -f "$REPO/dist/commands/build.js" ] || (cd "$REPO" && npx tsc -p tsconfig.json >/dev/null || true)

# 1. The input: whole directories of /usr/lib, largest package dirs first, until SIZE_MIB.
R=$W/rootfs
mkdir -p "$R/usr/lib"
budget=$((SIZE_MIB * 1024))
for d in $(du -sk /usr/lib/* 2>/dev/null | sort -rn | awk '{print $2}'); do
  k=$(du -sk "$d" | cut -f1)
  [ "$k" -le "$budget" ] || continue
  cp -a "$d" "$R/usr/lib/" && budget=$((budget - k))
  [ "$budget" -gt 10240 ] || break
done
BYTES=$(du -sb "$R" | cut -f1)
FILES=$(find "$R" | wc -l)
tar -C "$R" -cf - . | cat >/dev/null   # warm the page cache for everyone
cp -r "$REPO/examples/hello-world/exports" "$W/exports"

# 2. Runs. Each line of results.tsv: name, wall s, max RSS KiB, output bytes.
: >"$W/results.tsv"
measure() { # name, output file or dir, command...
  local name=$1 out=$2; shift 2
  /usr/bin/time -v -o "$W/time.txt" "$@" >/dev/null 2>"$W/stderr.txt" || { cat "$W/stderr.txt" >&2; exit 1; }
  local wall rss size
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$W/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.txt")
  size=$(du -sb "$out" | cut -f1)
  printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$rss" "$size" >>"$W/results.tsv"
}
SB="node $REPO/bin/run.js build --from scratch --rootfs $R --exports $W/exports -t bench:1 --no-lint --no-cache"
export SOURCE_DATE_EPOCH=1700000000

measure "sysbuild pgzip -1" "$W/sb1" $SB --root "$W/sb1" --compression pgzip
measure "umoci insert" "$W/umoci" sh -c "umoci init --layout '$W/umoci' && umoci new --image '$W/umoci:latest' && umoci insert --image '$W/umoci:latest' '$R' /"
measure "tar | pigz -p2 -1" "$W/pigz.tar.gz" sh -c "tar -C '$R' -cf - . | pigz -p2 -1 >'$W/pigz.tar.gz'"
measure "tar | gzip -6" "$W/gzip6.tar.gz" sh -c "tar -C '$R' -cf - . | gzip -6 >'$W/gzip6.tar.gz'"
measure "sysbuild gzip -1" "$W/sb2" $SB --root "$W/sb2" --compression gzip
measure "sysbuild none" "$W/sb3" $SB --root "$W/sb3" --compression none
# Rebuild after editing one exports file (layer cache on): only the exports layer is written.
node "$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports" -t bench:1 --no-lint --root "$W/sb4" >/dev/null 2>&1
echo '# edited' >>"$W/exports/service.template"
measure "sysbuild rebuild, 1 exports file edited" "$W/sb4" node "$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$W/exports" -t bench:1 --no-lint --root "$W/sb4"
# The same rebuild as a library call (no CLI start-up), for the < 0.5 s target.
echo '# edited again' >>"$W/exports/service.template"
LIB_MS=$(cd "$REPO" && node --input-type=module -e "
  const {buildImage} = await import('./dist/src/engine/index.js')
  const t = performance.now()
  await buildImage({from: 'scratch', rootfs: ['$R'], exports: '$W/exports', tag: 'bench:1', lint: false, root: '$W/sb4', epoch: 1700000000})
  console.log(Math.round(performance.now() - t))")

# 3. Report.
echo "input: $FILES entries, $BYTES bytes (copied from /usr/lib); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "node $(node --version), umoci $(umoci --version | awk '{print $3}'), pigz $(pigz --version 2>&1 | awk '{print $2}'), $(gzip --version | head -1)"
awk -F'\t' -v bytes="$BYTES" '
  {name[NR]=$1; wall[NR]=$2; rss[NR]=$3; size[NR]=$4; if ($1=="umoci insert") u=$2; if ($1=="tar | pigz -p2 -1") p=$2}
  END {
    printf "| run | wall s | MB/s | vs umoci | vs pigz -p2 -1 | peak RSS MB | output MB | ratio |\n|---|---|---|---|---|---|---|---|\n"
    for (i=1;i<=NR;i++) printf "| %s | %.2f | %.0f | %.2fx | %.2fx | %.0f | %.1f | %.3f |\n", name[i], wall[i], bytes/1e6/wall[i], wall[i]/u, wall[i]/p, rss[i]/1024, size[i]/1e6, size[i]/bytes
  }' "$W/results.tsv"
echo "library rebuild after editing one exports file: ${LIB_MS} ms"

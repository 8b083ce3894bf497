#!/bin/bash
# Benchmark: install a ~1 GiB, ~40k-file image, side by side in one run with `umoci unpack` of the same image:
#   1. umoci unpack                      (the reference: extract every layer into a bundle)
#   2. sysbuild install, first           (layers → extracted-layer cache, then a hard-link checkout)
#   3. sysbuild install, second name     (cache hit: hard-link checkout only; no file data written)
# Wall time and peak RSS from /usr/bin/time -v; disk use from du. Issue targets: first < 0.6x umoci, second < 0.2x
# umoci with no extra bytes of file data, peak RSS < 200 MB.
# Usage: bench/engine/run.sh [FILES] [SIZE_MIB]   (defaults 40000 and 1024; root; needs umoci, /usr/bin/time, runc).
# Writes only under a temp dir it removes.
set -euo pipefail
FILES=${1:-40000}
SIZE_MIB=${2:-1024}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /var/tmp/sb-engine-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
for t in umoci runc /usr/bin/time node du; do command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "run as root (install writes ownership and runs runc --version)" >&2; exit 1; }
[ -f "$REPO/dist/commands/install.js" ] || (cd "$REPO" && npx tsc -p tsconfig.json >/dev/null || true)

# 1. The input: FILES files in 400 directories, SIZE_MIB in total, cut from real files of /usr/lib (compressible
#    like real binaries and libraries), sizes spread from a few bytes to ~8x the mean.
R=$W/rootfs
node --input-type=module -e "
  import {mkdirSync, writeFileSync, readFileSync, readdirSync, statSync} from 'node:fs'
  import {join} from 'node:path'
  const files = $FILES, total = $SIZE_MIB * 1024 * 1024, root = '$R'
  const pool = []; let have = 0
  const walk = (d) => { for (const e of readdirSync(d, {withFileTypes: true})) { if (have > 64 << 20) return; const p = join(d, e.name)
    if (e.isDirectory()) walk(p); else if (e.isFile()) { try { const b = readFileSync(p); pool.push(b); have += b.length } catch {} } } }
  walk('/usr/lib')
  const src = Buffer.concat(pool)
  let seed = 42; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  const weights = Array.from({length: files}, () => Math.pow(rnd(), 3))
  const scale = total / weights.reduce((a, b) => a + b, 0)
  for (let i = 0; i < files; i++) {
    const dir = join(root, 'usr/share/bench', String(i % 400).padStart(3, '0'))
    if (i < 400) mkdirSync(dir, {recursive: true})
    const size = Math.max(1, Math.round(weights[i] * scale)), off = Math.floor(rnd() * Math.max(1, src.length - size))
    writeFileSync(join(dir, 'f' + i), size <= src.length ? src.subarray(off, off + size) : Buffer.alloc(size, 7))
  }"
cp -a /bin/busybox "$R/busybox"
BYTES=$(du -sb "$R" | cut -f1)
NFILES=$(find "$R" -type f | wc -l)

# 2. The image: built by sysbuild into an OCI layout (one pgzip layer plus the exports layer), not measured.
"$REPO/bin/run.js" build --from scratch --rootfs "$R" --exports "$REPO/examples/hello-world/exports" -t bench:1 --no-lint \
  --root "$W/build-root" -o "oci:$W/oci:bench" >/dev/null 2>&1
IMAGE="oci-layout:$W/oci:bench"
cat "$W"/oci/blobs/sha256/* >/dev/null   # warm the page cache for everyone

: >"$W/results.tsv"
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v -o "$W/time.txt" "$@" >/dev/null 2>"$W/stderr.txt" || { cat "$W/stderr.txt" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$W/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.txt")
  printf '%s\t%s\t%s\n' "$name" "$wall" "$rss" >>"$W/results.tsv"
}
SB="$REPO/bin/run.js install --root $W/host --no-legacy-fixups"

sync
measure "umoci unpack" umoci unpack --image "$W/oci:bench" "$W/bundle"
sync
measure "sysbuild install (first)" $SB --name big1 "$IMAGE"
sync
DU_BEFORE=$(du -sk "$W/host" | cut -f1)
measure "sysbuild install (second, cached layers)" $SB --name big2 "$IMAGE"
sync
DU_AFTER=$(du -sk "$W/host" | cut -f1)
# File data the second deployment owns alone (files not hard-linked to the cache): should be 0.
OWN=$(find "$W/host/var/lib/containers/atomic/big2.0/rootfs" -type f -links 1 -printf '%s\n' | awk '{s+=$1} END {print s+0}')
CACHE_KB=$(du -sk "$W/host/var/lib/containers/atomic/.sysbuild/layers" | cut -f1)

# 3. Report.
echo "input: $NFILES files, $BYTES bytes; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "node $(node --version), umoci $(umoci --version | awk '{print $3}'), runc $(runc --version | awk 'NR==1{print $3}')"
awk -F'\t' '
  {name[NR]=$1; wall[NR]=$2; rss[NR]=$3; if ($1=="umoci unpack") u=$2}
  END {
    printf "| run | wall s | vs umoci unpack | peak RSS MB |\n|---|---|---|---|\n"
    for (i=1;i<=NR;i++) printf "| %s | %.2f | %.2fx | %.0f |\n", name[i], wall[i], wall[i]/u, rss[i]/1024
  }' "$W/results.tsv"
echo "second install: du of the root grew by $((DU_AFTER - DU_BEFORE)) KiB (directories and metadata); file data owned by the new deployment alone: $OWN bytes"
echo "extracted-layer cache: $CACHE_KB KiB"

// One registry operation through the library (compiled dist/), in a fresh process: prints
// {"ms": <time inside the call>, "rssMiB": <peak RSS of the process>} as JSON.
//   node bench/registry/op.mjs push oci:DIR:TAG REGISTRY/REPO:TAG
//   node bench/registry/op.mjs pull REGISTRY/REPO:TAG STORE_DIR
import {performance} from 'node:perf_hooks'

const root = new URL('../../', import.meta.url)
const {pushImageFrom, pullImageTo} = await import(new URL('dist/src/registry/index.js', root).href)

const [op, a, b] = process.argv.slice(2)
const t0 = performance.now()
let result
if (op === 'push') result = await pushImageFrom(a, b, {storeDir: '/nonexistent-store'})
else if (op === 'pull') result = await pullImageTo(a, b)
else throw new Error(`unknown op ${op}`)
const ms = performance.now() - t0
console.log(JSON.stringify({ms: Math.round(ms), rssMiB: Math.round(process.resourceUsage().maxRSS / 1024), digest: result.digest, blobs: result.blobs}))

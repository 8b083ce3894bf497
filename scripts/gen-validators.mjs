// Write ajv's standalone code for every src/*/schema/*.schema.json to dist/validators/<domain>/<name>-<fp>.cjs
// (see src/core/precompiled-schema.ts). Runs after tsc in npm run build and prepare. A CLI may be loading these
// files meanwhile: each is written under a temp name and renamed, a current one is left alone, stale ones go.
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {Ajv} from 'ajv'
import standalone from 'ajv/dist/standalone/index.js'

const root = new URL('..', import.meta.url).pathname
const {AJV_OPTIONS, precompiledPath} = await import(join(root, 'dist/src/core/precompiled-schema.js'))
const outRoot = join(root, 'dist', 'validators')
const wanted = new Set()
for (const domain of readdirSync(join(root, 'src')).sort()) {
  let files
  try { files = readdirSync(join(root, 'src', domain, 'schema')).filter((f) => f.endsWith('.schema.json')).sort() } catch { continue }
  for (const f of files) {
    const text = readFileSync(join(root, 'src', domain, 'schema', f), 'utf8')
    const out = precompiledPath(domain, f.slice(0, -'.schema.json'.length), text)
    wanted.add(out)
    if (existsSync(out)) continue
    const ajv = new Ajv({...AJV_OPTIONS, code: {source: true}, logger: false})
    const code = standalone.default(ajv, ajv.compile(JSON.parse(text)))
    mkdirSync(dirname(out), {recursive: true})
    const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`)
    writeFileSync(tmp, `// Generated from src/${domain}/schema/${f} by scripts/gen-validators.mjs. Do not edit.\n${code}\n`)
    renameSync(tmp, out)
  }
}
for (const domain of existsSync(outRoot) ? readdirSync(outRoot) : []) {
  for (const f of readdirSync(join(outRoot, domain))) if (!wanted.has(join(outRoot, domain, f))) rmSync(join(outRoot, domain, f), {force: true})
}

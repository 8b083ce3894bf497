#!/usr/bin/env node
// Write ajv's standalone code for every src/*/schema/*.schema.json to dist/validators/<domain>/<name>-<fp>.cjs
// (see src/core/precompiled-schema.ts). Runs after tsc in npm run build and prepare; stale files are removed.
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Ajv} from 'ajv'
import standalone from 'ajv/dist/standalone/index.js'

const root = new URL('..', import.meta.url).pathname
const {AJV_OPTIONS, precompiledPath} = await import(join(root, 'dist/src/core/precompiled-schema.js'))
const outRoot = join(root, 'dist', 'validators')
rmSync(outRoot, {recursive: true, force: true})
for (const domain of readdirSync(join(root, 'src')).sort()) {
  let files
  try { files = readdirSync(join(root, 'src', domain, 'schema')).filter((f) => f.endsWith('.schema.json')).sort() } catch { continue }
  for (const f of files) {
    const text = readFileSync(join(root, 'src', domain, 'schema', f), 'utf8')
    const ajv = new Ajv({...AJV_OPTIONS, code: {source: true}, logger: false})
    const code = standalone.default(ajv, ajv.compile(JSON.parse(text)))
    const out = precompiledPath(domain, f.slice(0, -'.schema.json'.length), text)
    mkdirSync(join(out, '..'), {recursive: true})
    writeFileSync(out, `// Generated from src/${domain}/schema/${f} by scripts/gen-validators.mjs. Do not edit.\n${code}\n`)
  }
}

#!/usr/bin/env node
// Generate TypeScript types from the JSON Schemas in src/*/schema/ into src/*/generated/.
// `node scripts/gen-types.mjs --check` fails when a committed file is out of date.
import {compileFromFile} from 'json-schema-to-typescript'
import {readdir, readFile, writeFile, mkdir} from 'node:fs/promises'
import {join, basename} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const check = process.argv.includes('--check')
let stale = 0
for (const domain of await readdir(join(root, 'src'))) {
  const schemaDir = join(root, 'src', domain, 'schema')
  let files
  try { files = (await readdir(schemaDir)).filter((f) => f.endsWith('.schema.json')).sort() } catch { continue }
  const outDir = join(root, 'src', domain, 'generated')
  await mkdir(outDir, {recursive: true})
  for (const f of files) {
    const ts = await compileFromFile(join(schemaDir, f), {
      cwd: schemaDir,
      bannerComment: `/* Generated from src/${domain}/schema/${f} by scripts/gen-types.mjs. Do not edit. */`,
      style: {singleQuote: true, semi: false, printWidth: 120},
      additionalProperties: false,
      strictIndexSignatures: false,
    })
    const out = join(outDir, basename(f, '.schema.json') + '.ts')
    let old = ''
    try { old = await readFile(out, 'utf8') } catch {}
    if (old !== ts) {
      stale++
      if (check) console.error(`out of date: ${out}`)
      else await writeFile(out, ts)
    }
  }
}
if (check && stale) { console.error(`${stale} generated file(s) out of date: run npm run gen:types`); process.exit(1) }

/**
 * Validators precompiled by `npm run build` (scripts/gen-validators.mjs, ajv's standalone code) answer exactly as
 * ajv's run-time compilation of the same schema, errors included; a schema whose text changed is never served
 * by a stale precompiled file.
 */
import {describe, expect, it, beforeAll} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {compileSchema, loadPrecompiled, precompiledPath} from '../../src/core/precompiled-schema.js'
import {buildCli, ROOT} from '../commands/run-cli.js'

const schemaText = (domain: string, name: string): string => readFileSync(join(ROOT, 'src', domain, 'schema', `${name}.schema.json`), 'utf8')
const json = (p: string): unknown => JSON.parse(readFileSync(join(ROOT, p), 'utf8'))

/** The hello-world config template with every $VAR replaced, and broken variants of it. */
function configs(): unknown[] {
  const text = readFileSync(join(ROOT, 'examples/hello-world/exports/config.json.template'), 'utf8').replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, 'x')
  const ok = JSON.parse(text) as Record<string, any>
  return [
    ok,
    {...ok, process: {...ok.process, args: 'not-a-list', user: {uid: -1}}},
    {...ok, root: {path: 7, readonly: 'yes'}, unknownKey: true},
    {...ok, mounts: [{destination: 3, options: 'ro'}]},
    {},
    null,
  ]
}

const documents: Record<string, () => unknown[]> = {
  'exports/manifest': () => [json('examples/hello-world/exports/manifest.json'), {version: 1, defaultValues: {A: {}}}, {renameFiles: 'x', noContainerService: 'yes'}, []],
  'exports/build-spec': () => [{name: 'hello-world', tag: 'latest', rootfs: ['rootfs'], copy: [{source: 'a', destination: '/a', mode: '0755'}]}, {name: 'Bad Name', rootfs: 'x', extra: 1}, {}],
  'exports/runtime-config': configs,
  'image/config': () => [{architecture: 'amd64', os: 'linux', rootfs: {type: 'layers', diff_ids: []}}, {rootfs: {type: 'layers', diff_ids: ['nope']}}],
}

describe('precompiled JSON Schema validators', () => {
  beforeAll(() => {
    buildCli()
    const r = spawnSync('node', ['scripts/gen-validators.mjs'], {cwd: ROOT, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  }, 300_000)

  it('exist for every schema after the build', () => {
    for (const domain of readdirSync(join(ROOT, 'src'))) {
      const dir = join(ROOT, 'src', domain, 'schema')
      if (!existsSync(dir)) continue
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.schema.json'))) {
        const name = f.slice(0, -'.schema.json'.length)
        expect(existsSync(precompiledPath(domain, name, schemaText(domain, name))), `${domain}/${name}`).toBe(true)
      }
    }
  })

  it('give the same verdicts and errors as compiling the schema at run time', () => {
    for (const [key, docs] of Object.entries(documents)) {
      const [domain, name] = key.split('/') as [string, string]
      const text = schemaText(domain, name)
      const pre = loadPrecompiled(domain, name, text)
      expect(pre, key).toBeTypeOf('function')
      const live = compileSchema(JSON.parse(text) as object)
      let invalid = 0
      for (const doc of docs()) {
        const verdict = pre!(doc)
        expect(verdict, `${key}: ${JSON.stringify(doc).slice(0, 80)}`).toBe(live(doc))
        expect(pre!.errors ?? null).toEqual(live.errors ?? null)
        if (!verdict) invalid++
      }
      expect(invalid, key).toBeGreaterThan(0)
    }
  })

  it('are not used for a schema text they were not made from', () => {
    const text = schemaText('exports', 'manifest')
    expect(loadPrecompiled('exports', 'manifest', text)).toBeTypeOf('function')
    expect(loadPrecompiled('exports', 'manifest', text.replace('"object"', '"array"'))).toBeUndefined()
    expect(loadPrecompiled('exports', 'manifest', `${text}\n`)).toBeUndefined()
  })
})

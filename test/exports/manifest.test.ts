/**
 * parseManifest against Python, the language atomic was written in: defaults must be the
 * text `'%s' % value` gives, and JSON errors must name the line json.loads names.
 */
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {isSysbuildError, type SysbuildError} from '../../src/core/index.js'
import {parseManifest} from '../../src/exports/index.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const hasPython = spawnSync('python3', ['--version']).status === 0

/** What atomic did: json.loads, then '%s' % value for each default; or the JSONDecodeError line. */
function python(texts: readonly string[]): ({defaults: Record<string, string>} | {lineno: number})[] {
  const script = `
import json, sys
out = []
for t in json.loads(sys.stdin.read()):
    try:
        m = json.loads(t)
        out.append({'defaults': {k: '%s' % v for k, v in m.get('defaultValues', {}).items()}})
    except json.JSONDecodeError as e:
        out.append({'lineno': e.lineno})
print(json.dumps(out))
`
  const r = spawnSync('python3', ['-c', script], {input: JSON.stringify(texts), encoding: 'utf8'})
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as ReturnType<typeof python>
}

function thrown(f: () => unknown): SysbuildError {
  try {
    f()
  } catch (e) {
    if (isSysbuildError(e)) return e
    throw e
  }
  throw new Error('expected an error')
}

function corpusManifests(): [string, string][] {
  if (!existsSync(CORPUS)) return []
  const out: [string, string][] = []
  for (const group of ['atomic-system-containers', 'atomic-test-images']) {
    for (const dir of readdirSync(join(CORPUS, group))) {
      const p = join(CORPUS, group, dir, 'manifest.json')
      if (existsSync(p)) out.push([dir, readFileSync(p, 'utf8')])
    }
  }
  return out
}

const RENDERABLE = [
  '{"version": "1.0", "defaultValues": {"PORT": 8080, "NEG": -12, "ZERO": -0, "BIG": 123456789012345678901234567890}}',
  '{"defaultValues": {"ON": true, "OFF": false, "NONE": null, "EMPTY": "", "UNI": "h\\u00e9llo $NAME"}}',
  '{"version": "1.0", "unknownKey": 1, "useLinks": false, "noContainerService": true}',
  '{}',
]

describe.skipIf(!hasPython)('defaults are the text Python %s gives', () => {
  it.each(RENDERABLE.map((t) => [t]))('%s', (text) => {
    const [py] = python([text])
    expect(parseManifest(text, 'manifest.json').defaults).toEqual((py as {defaults: Record<string, string>}).defaults)
  })

  it.skipIf(!existsSync(CORPUS))('for every corpus manifest', () => {
    const manifests = corpusManifests()
    expect(manifests.length).toBe(11)
    const py = python(manifests.map((m) => m[1]))
    manifests.forEach(([dir, text], i) => expect(parseManifest(text, `${dir}/manifest.json`).defaults, dir).toEqual((py[i] as {defaults: unknown}).defaults))
  })

  it.each([
    ['{\n  "version": "1.0",\n  "defaultValues": {\n    "A": "x"\n  \n}\n'],
    ['{\n  "defaultValues": {\n    "A": "x",\n  }\n}'],
    ['{"version": "1.0"\n "defaultValues": {}}'],
    ['{\n  "version": 1.0.0\n}'],
    ['\n\n'],
  ])('broken JSON names the line json.loads names: %j', (text) => {
    const e = thrown(() => parseManifest(text, 'x/manifest.json'))
    const [py] = python([text])
    expect(e.code).toBe('SYSBUILD_EXPORTS_INVALID_JSON')
    expect(e.hint.line).toBe((py as {lineno: number}).lineno)
    expect(e.hint.file).toBe('x/manifest.json')
    expect(e.message).toMatch(new RegExp(`^x/manifest\\.json:${e.hint.line}:${e.hint.column}: invalid JSON: `))
  })
})

describe('schema violations', () => {
  it.each([
    ['renameFiles is a list', '{\n  "renameFiles": ["/etc/x"]\n}', 2, '/renameFiles'],
    ['installedFilesTemplate holds a number', '{"installedFilesTemplate": [1]}', 1, '/installedFilesTemplate/0'],
    ['useLinks is a string', '{\n\n  "useLinks": "no"}', 3, '/useLinks'],
    ['a default is a float', '{\n  "defaultValues": {\n    "N": 1.5\n  }\n}', 3, '/defaultValues/N'],
    ['a default is a float written like an integer', '{\n  "defaultValues": {\n    "N": 1.0\n  }\n}', 3, 'defaultValues.N is a floating-point'],
    ['a default is a list', '{"defaultValues": {"L": ["a"]}}', 1, '/defaultValues/L'],
    ['the document is a list', '[]', 1, 'must be a JSON object'],
  ])('%s', (_, text, line, mention) => {
    const e = thrown(() => parseManifest(text, 'manifest.json'))
    expect(e.code).toBe('SYSBUILD_EXPORTS_SCHEMA_VIOLATION')
    expect(e.hint).toMatchObject({file: 'manifest.json', line})
    expect(e.message).toContain(mention)
    expect(e.message).toContain(`line ${line}: `)
  })

  it('returns the manifest object with unknown keys kept', () => {
    const {manifest} = parseManifest(RENDERABLE[2]!, 'manifest.json')
    expect(manifest).toEqual({version: '1.0', unknownKey: 1, useLinks: false, noContainerService: true})
  })
})

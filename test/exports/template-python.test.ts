/**
 * Differential test of the template engine against the real thing: Python's
 * `string.Template(t).substitute(values)`, which atomic used. Every case (every template
 * source of the public corpus, hand-written edge cases, and a seeded random batch) is
 * rendered by sysbuild (tryRenderTemplate) and by one python3 process (JSON in, JSON out).
 * Successful renders must be byte-identical; failures must fail on both sides with the
 * same kind (ValueError ↔ invalid-placeholder, KeyError ↔ unknown-variable, the first
 * problem in text order) and the same variable name or position.
 *
 * Positions are compared only where Python and sysbuild count the same way: Python's
 * splitlines() also breaks lines at a lone CR, VT, FF, FS/GS/RS, NEL, U+2028/U+2029, and
 * counts columns in code points; sysbuild counts lines at LF (CRLF included) and columns in
 * UTF-16 units, like editors do.
 */
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {tryRenderTemplate, type RenderResult} from '../../src/exports/template.js'
import {formatValue} from '../../src/exports/values.js'
import {sampleValues} from '../../src/exports/lint/sample-values.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const hasPython = spawnSync('python3', ['-c', 'import string'], {encoding: 'utf8'}).status === 0
if (!hasPython) console.log('template differential skipped: python3 is not installed')

interface Case {
  readonly name: string
  readonly template: string
  readonly values: Record<string, string>
}

type PyResult =
  | {ok: true; output: string}
  | {ok: false; error: 'KeyError'; name: string}
  | {ok: false; error: 'ValueError'; message: string; line: number; column: number}

const PY = `
import json, re, string, sys
cases = json.loads(sys.stdin.buffer.read().decode('utf-8'))
out = []
for c in cases:
    try:
        out.append({'ok': True, 'output': string.Template(c['template']).substitute(c['values'])})
    except KeyError as e:
        out.append({'ok': False, 'error': 'KeyError', 'name': e.args[0]})
    except ValueError as e:
        m = re.search(r'line (\\d+), col (\\d+)', str(e))
        out.append({'ok': False, 'error': 'ValueError', 'message': str(e), 'line': int(m.group(1)), 'column': int(m.group(2))})
sys.stdout.write(json.dumps(out))
`

function python(cases: readonly Case[]): PyResult[] {
  const r = spawnSync('python3', ['-c', PY], {input: JSON.stringify(cases.map((c) => ({template: c.template, values: c.values}))), encoding: 'utf8', maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as PyResult[]
}

const SAME_COUNTING = /^[^\v\f\x1c-\x1e\x85\u2028\u2029\uD800-\uDFFF]*$/
const positionsComparable = (t: string): boolean => SAME_COUNTING.test(t) && !/\r(?!\n)/.test(t)

/** The difference between sysbuild's and Python's result, or undefined when they agree. */
function disagreement(c: Case, ours: RenderResult, py: PyResult): string | undefined {
  if (py.ok) {
    if (!ours.ok) return `python rendered it, sysbuild failed: ${JSON.stringify(ours.problems[0])}`
    return Buffer.from(ours.output, 'utf8').equals(Buffer.from(py.output, 'utf8')) ? undefined : `outputs differ:\n${JSON.stringify(ours.output)}\n${JSON.stringify(py.output)}`
  }
  if (ours.ok) return `python failed (${JSON.stringify(py)}), sysbuild rendered ${JSON.stringify(ours.output)}`
  const first = ours.problems[0]!
  if (py.error === 'KeyError') {
    return first.kind === 'unknown-variable' && first.text === py.name ? undefined : `python KeyError ${py.name}, sysbuild ${JSON.stringify(first)}`
  }
  if (first.kind !== 'invalid-placeholder') return `python ValueError, sysbuild ${JSON.stringify(first)}`
  if (positionsComparable(c.template) && (first.line !== py.line || first.column !== py.column)) {
    return `position: python ${py.line}:${py.column}, sysbuild ${first.line}:${first.column}`
  }
  return undefined
}

function checkAll(cases: readonly Case[]): {agree: number; results: PyResult[]} {
  const results = python(cases)
  expect(results).toHaveLength(cases.length)
  const problems = cases.flatMap((c, i) => {
    const d = disagreement(c, tryRenderTemplate(c.template, c.values), results[i]!)
    return d ? [`${c.name}: ${d}`] : []
  })
  expect(problems).toEqual([])
  return {agree: cases.length - problems.length, results}
}

// ---------------------------------------------------------------- corpus cases

const SET: Record<string, Record<string, string>> = {
  'system-container-update-files': {VAR_WITH_NO_DEFAULT: 'x'},
  'system-container-runonce-files': {RECEIVER: 'x'},
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

function corpusCases(): {cases: Case[]; failing: Case[]} {
  const cases: Case[] = []
  const failing: Case[] = []
  for (const group of ['atomic-system-containers', 'atomic-test-images']) {
    for (const image of readdirSync(join(CORPUS, group))) {
      const dir = join(CORPUS, group, image)
      if (!statSync(dir).isDirectory()) continue
      const files = walk(dir)
      const manifestPath = files.find((f) => f.endsWith('/manifest.json'))
      const manifest = manifestPath ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as {defaultValues?: Record<string, unknown>; renameFiles?: Record<string, string>}) : {}
      const defaults = Object.fromEntries(
        Object.entries(manifest.defaultValues ?? {}).flatMap(([k, v]) => {
          const f = formatValue(v)
          return f.ok ? [[k, f.text]] : []
        }),
      )
      const service = files.find((f) => f.endsWith('/service.template'))
      const valuesWith = (set: Record<string, string>) =>
        sampleValues({name: image, defaults, set, serviceText: service ? readFileSync(service, 'utf8') : undefined}).values
      // *.template files, the hostfs test image's installed template, and renameFiles values
      const sources: [string, string][] = [
        ...files.filter((f) => f.endsWith('.template') || f.endsWith('/message-template')).map((f): [string, string] => [relative(CORPUS, f), readFileSync(f, 'utf8')]),
        ...Object.entries(manifest.renameFiles ?? {}).map(([k, v]): [string, string] => [`${relative(CORPUS, manifestPath!)} renameFiles[${JSON.stringify(k)}]`, v]),
      ]
      for (const [name, template] of sources) {
        cases.push({name, template, values: valuesWith(SET[image] ?? {})})
        if (SET[image]) failing.push({name: `${name} (no --set)`, template, values: valuesWith({})})
      }
    }
  }
  return {cases, failing}
}

// ---------------------------------------------------------------- hand-written cases

const V = {NAME: 'etcd', N: 'n', A: '$B', B: 'b', _: 'underscore', A1: 'a-one', name: 'lower', 'NAMEctl': 'greedy!', É: 'never'}
const EDGE: readonly [string, string][] = [
  ['greedy name', '$NAMEctl'],
  ['greedy name, unknown', '$NAMEx'],
  ['braced name before identifier characters', '${NAME}ctl and ${N}ame'],
  ['escape', '$$'],
  ['escape before a name', '$$NAME'],
  ['escape then a variable', '$$$NAME'],
  ['two escapes', '$$$$'],
  ['escape then invalid', '$$$'],
  ['single pass: values are not expanded again', '$A'],
  ['case-sensitive lookup', '$name $NAME'],
  ['underscore and digits', '$_ $A1 ${_} ${A1}'],
  ['digit after $', 'port $1'],
  ['space after $', 'a $ b'],
  ['trailing $', 'end $'],
  ['$ before newline', 'x $\ny'],
  ['braced default (POSIX form)', '${NAME:-etcd}'],
  ['space inside braces', '${ NAME}'],
  ['unclosed brace', '${NAME'],
  ['empty braces', '${}'],
  ['digit in braces', '${1}'],
  ['literal braces around a variable', '{$NAME} ${NAME}}'],
  ['dash after $', '$-'],
  ['unknown before invalid: unknown wins', '$MISSING $1'],
  ['invalid before unknown: invalid wins', '$1 $MISSING'],
  ['unicode text around variables', 'é$NAMEé ☃ ${N}ü'],
  ['non-ASCII letter after $', '$É'],
  ['identifier stops at non-ASCII', '$Nä'],
  ['long s (case-folds to s in Unicode)', '$ſ'],
  ['Kelvin sign (case-folds to k)', '$\u212A'],
  ['dotless i', '$ı'],
  ['astral character before an invalid $', '😀 $1'],
  ['astral text around a variable', '😀$NAME😀'],
  ['CRLF', 'a\r\n$NAME\r\nb\r\n'],
  ['CRLF then invalid', 'a\r\nb $1\r\n'],
  ['lone CR then invalid', 'a\rb $1'],
  ['form feed then invalid', 'a\fb $1'],
  ['line separator then invalid', 'a\u2028b $1'],
  ['NEL then invalid', 'a\u0085b $1'],
  ['invalid on a later line', '[Unit]\nDescription=$NAME\n\nExecStart=${EXEC START}\n'],
  ['empty template', ''],
  ['no placeholders', 'just text {} {{}}'],
  ['JSON fragment pattern', '"mounts": [ {"a": 1} $ADDTL_MOUNTS ]'],
]

/** A seeded generator (mulberry32) so the random batch is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomCases(n: number): Case[] {
  const pieces = ['$', '$', '$$', '{', '}', 'N', 'A', 'B', '_', '1', 'x', ' ', '\n', '\r\n', 'é', ':-', 'NAME', 'A1']
  const next = rng(20240611)
  return Array.from({length: n}, (_, i) => {
    const len = 1 + Math.floor(next() * 12)
    const template = Array.from({length: len}, () => pieces[Math.floor(next() * pieces.length)]).join('')
    return {name: `random #${i} ${JSON.stringify(template)}`, template, values: {N: 'n', A: 'a$', B: '', NAME: 'etcd', A1: '1', _: '_', x: 'X'}}
  })
}

describe.skipIf(!hasPython)('templates render exactly like Python string.Template', () => {
  it('agrees on the hand-written edge cases, in one python process', () => {
    const cases = EDGE.map(([name, template]) => ({name, template, values: V}))
    const {results} = checkAll(cases)
    // The cases exercise all three outcomes, so the comparison is not vacuous.
    const kinds = new Set(results.map((r) => (r.ok ? 'ok' : r.error)))
    expect([...kinds].sort()).toEqual(['KeyError', 'ValueError', 'ok'])
    // Spot-check a few against hand-written expectations as well.
    const byName = Object.fromEntries(EDGE.map(([n], i) => [n, results[i]!]))
    expect(byName['single pass: values are not expanded again']).toEqual({ok: true, output: '$B'})
    expect(byName['greedy name']).toEqual({ok: true, output: 'greedy!'})
    expect(byName['long s (case-folds to s in Unicode)']).toMatchObject({ok: false, error: 'ValueError'})
    expect(byName['unknown before invalid: unknown wins']).toEqual({ok: false, error: 'KeyError', name: 'MISSING'})
  })

  it('agrees on 600 seeded random templates', () => {
    const {results} = checkAll(randomCases(600))
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(50)
    expect(results.filter((r) => !r.ok).length).toBeGreaterThan(50)
  })

  it.skipIf(!existsSync(CORPUS))('agrees on every template source of the corpus, with and without the --set install needs', () => {
    const {cases, failing} = corpusCases()
    // 21 config.json.template, 20 service.template, 13 tmpfiles.template, 1 hostfs template, 3 renameFiles values
    expect(cases.length).toBe(58)
    const ok = checkAll(cases).results
    expect(ok.every((r) => r.ok)).toBe(true)
    // Without the --set, the templates that use the variable fail on both sides (checkAll), with KeyError.
    const bad = checkAll(failing).results.filter((r) => !r.ok)
    expect(bad.map((r) => (!r.ok && r.error === 'KeyError' ? r.name : JSON.stringify(r))).sort()).toEqual(['RECEIVER', 'VAR_WITH_NO_DEFAULT'])
  })
})

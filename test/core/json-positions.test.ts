/**
 * json-positions against independent oracles: Python's json module decides valid/invalid
 * and gives the error line; V8's JSON.parse checks the values and every recorded span.
 */
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {jsonPointer, nearestLocation, parseJsonWithPositions, pointerTokens} from '../../src/core/index.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const hasPython = spawnSync('python3', ['--version']).status === 0

interface PyResult {
  ok: boolean
  value?: string
  lineno?: number
  colno?: number
}

/**
 * Python's verdict on each document. NaN/Infinity are refused (parse_constant), as RFC 8259
 * and Go's encoding/json (runc) do; otherwise this is plain json.loads.
 */
function pythonVerdicts(docs: readonly string[]): PyResult[] {
  const script = `
import json, sys
def refuse(name): raise ValueError('constant ' + name)
out = []
for doc in json.loads(sys.stdin.read()):
    try:
        v = json.loads(doc, parse_constant=refuse)
        out.append({'ok': True, 'value': json.dumps(v)})
    except json.JSONDecodeError as e:
        out.append({'ok': False, 'lineno': e.lineno, 'colno': e.colno})
    except ValueError:
        out.append({'ok': False})
print(json.dumps(out))
`
  const r = spawnSync('python3', ['-c', script], {input: JSON.stringify(docs), encoding: 'utf8', maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as PyResult[]
}

const HANDWRITTEN = [
  '{}', '[]', '0', '-0', '"x"', 'true', 'false', 'null', ' \n\t\r{"a" : [1, -2.5e+3, 1E2, 0.5, "\\u00e9\\n\\"", null]}\n ',
  '{"a":1,"a":2}', '{"__proto__": {"x": 1}}', '{"a/b~c": {"": [[]]}}', '"\\ud83d\\ude00 \\u0000"', '[1e999]',
  // broken
  '', '  \n ', '{', '[', '{"a"', '{"a":', '{"a":1', '[1,', '[1,]', '{"a":1,}', '{"a" 1}', '{1:2}', '[1 2]', '1.', '-', '01',
  '.5', '1e', '+1', '"abc', '"a\nb"', '["\t"]', '"\\q"', '"\\u12x4"', '{} {}', 'nul', 'tru', '[true, nul]', '{"a":}',
  "{'a': 1}", '[NaN]', '[Infinity]', '{"a":1\n"b":2}', '{\n  "a": [\n    1,\n    2,\n  ]\n}', '[\n"x"\n,\n]', '/* c */ {}',
  '{"a": 1} // c', '[1,2]]', '{"a": tRue}', '\u00a0{}', '[-]', '[--1]', '["a" "b"]', '{"a":1 "b":2}',
]

/** Deterministic mutations of real templates: drop, duplicate or replace one character. */
function mutations(text: string, count: number, seed: number): string[] {
  let s = seed
  const rand = (n: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s % n
  }
  const out: string[] = []
  const specials = ['{', '}', '[', ']', ',', ':', '"', '\\', 'x', '\n', '0', '.']
  for (let i = 0; i < count; i++) {
    const at = rand(text.length)
    const op = rand(3)
    if (op === 0) out.push(text.slice(0, at) + text.slice(at + 1))
    else if (op === 1) out.push(text.slice(0, at) + text[at] + text.slice(at))
    else out.push(text.slice(0, at) + specials[rand(specials.length)] + text.slice(at + 1))
  }
  return out
}

function corpusDocs(): string[] {
  if (!existsSync(CORPUS)) return []
  const docs: string[] = []
  for (const group of ['atomic-system-containers', 'atomic-test-images']) {
    for (const dir of readdirSync(join(CORPUS, group))) {
      for (const f of ['manifest.json', 'config.json.template']) {
        const p = join(CORPUS, group, dir, f)
        if (!existsSync(p)) continue
        // Fill placeholders so that templates are JSON before mutating them.
        const text = readFileSync(p, 'utf8').replace(/\$\{?([A-Z_]+)\}?/g, (_, n: string) => (n === 'ALL_PROCESS_CAPABILITIES' ? '"CAP_KILL"' : n === 'ADDTL_MOUNTS' ? '' : 'v'))
        docs.push(text, ...mutations(text, 12, docs.length + 7))
      }
    }
  }
  return docs
}

describe.skipIf(!hasPython)('parseJsonWithPositions agrees with Python json.loads', () => {
  const docs = [...HANDWRITTEN, ...corpusDocs()]
  const verdicts = hasPython ? pythonVerdicts(docs) : []

  it(`uses a real sample (${docs.length} documents, corpus ${existsSync(CORPUS) ? 'present' : 'absent: skipped its part'})`, () => {
    // Without the corpus only the hand-written documents (and their one-character mutations) are there.
    const corpus = existsSync(CORPUS)
    expect(verdicts.filter((v) => v.ok).length).toBeGreaterThan(corpus ? 20 : 5)
    expect(verdicts.filter((v) => !v.ok).length).toBeGreaterThan(corpus ? 40 : 10)
  })

  it('accepts and refuses the same documents, with the same values', () => {
    docs.forEach((doc, i) => {
      const ours = parseJsonWithPositions(doc)
      const py = verdicts[i]!
      expect(ours.ok, `document ${i}: ${JSON.stringify(doc.slice(0, 80))}`).toBe(py.ok)
      if (!ours.ok || !py.ok || py.value!.includes('Infinity')) return // 1e999: both read infinity
      expect(ours.value).toEqual(JSON.parse(doc)) // V8 (keeps -0, as we do)
      expect(JSON.stringify(ours.value)).toBe(JSON.stringify(JSON.parse(py.value!))) // Python (reads -0 as the int 0)
    })
  })

  it('reports the error on the line Python reports', () => {
    docs.forEach((doc, i) => {
      const ours = parseJsonWithPositions(doc)
      const py = verdicts[i]!
      if (ours.ok || py.lineno === undefined) return
      expect(ours.line, `document ${i}: ${JSON.stringify(doc.slice(0, 80))}: ${ours.message}`).toBe(py.lineno)
    })
  })

  it('reports the column Python reports for ASCII one-liners', () => {
    HANDWRITTEN.forEach((doc, i) => {
      const ours = parseJsonWithPositions(doc)
      const py = verdicts[i]!
      // Python points inside \u escapes and at the opening quote of unterminated strings; we point at the backslash / quote too.
      if (ours.ok || py.lineno === undefined || doc.includes('\n') || doc.includes('\\u')) return
      expect(ours.column, `${JSON.stringify(doc)}: ${ours.message}`).toBe(py.colno)
    })
  })
})

describe('locations', () => {
  const doc = '{\n  "a": [1, {"b/c": "x"}],\n  "d~": null,\n  "e": {"f": [true, -2.5e3]}\n}\n'
  const parsed = parseJsonWithPositions(doc)
  if (!parsed.ok) throw new Error('fixture does not parse')

  it('records every value, keyed by RFC 6901 pointer', () => {
    expect([...parsed.locations.keys()].sort()).toEqual(['', '/a', '/a/0', '/a/1', '/a/1/b~1c', '/d~0', '/e', '/e/f', '/e/f/0', '/e/f/1'].sort())
    expect(parsed.locations.get('/a/1/b~1c')!.value).toEqual({offset: doc.indexOf('"x"'), line: 2, column: 20})
    expect(parsed.locations.get('/d~0')!.key).toEqual({offset: doc.indexOf('"d~"'), line: 3, column: 3})
  })

  it('every span re-parses (V8 JSON.parse) to the value at its pointer, and every key span to its name', () => {
    for (const [pointer, loc] of parsed.locations) {
      let v: unknown = parsed.value
      for (const t of pointerTokens(pointer)) v = (v as Record<string, unknown>)[t]
      expect(JSON.parse(doc.slice(loc.value.offset, loc.end))).toEqual(v)
      const before = doc.slice(0, loc.value.offset)
      expect(loc.value.line).toBe(before.split('\n').length)
      expect(loc.value.column).toBe(loc.value.offset - before.lastIndexOf('\n'))
      if (loc.key) {
        const keyText = /^"(?:[^"\\]|\\.)*"/.exec(doc.slice(loc.key.offset))![0]
        expect(JSON.parse(keyText)).toBe(pointerTokens(pointer).at(-1))
      }
    }
  })

  it('finds the nearest existing ancestor of a missing pointer', () => {
    expect(nearestLocation(parsed.locations, '/e/g/h')!.pointer).toBe('/e')
    expect(nearestLocation(parsed.locations, '/zzz')!.pointer).toBe('')
  })

  it('escapes pointer tokens both ways', () => {
    expect(jsonPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0')
    expect(pointerTokens('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0'])
    expect(pointerTokens('')).toEqual([])
  })

  it('keeps "__proto__" as an own key, like JSON.parse', () => {
    const r = parseJsonWithPositions('{"__proto__": {"polluted": true}}')
    expect(r.ok && r.value).toEqual(JSON.parse('{"__proto__": {"polluted": true}}'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('error messages', () => {
  const fail = (doc: string) => {
    const r = parseJsonWithPositions(doc)
    if (r.ok) throw new Error('expected a failure')
    return r
  }
  it('names a trailing comma and where the comma is', () => {
    const r = fail('{\n  "a": [\n    1,\n  ]\n}')
    expect(r).toMatchObject({line: 4, column: 3})
    expect(r.message).toContain("',' at line 3, column 6")
  })
  it('names the property after which a comma is missing', () => {
    expect(fail('{"a": 1\n "b": 2}').message).toContain('after the value of "a"')
  })
  it('names where an unterminated object opened', () => {
    expect(fail('[\n {"a": 1').message).toContain('opened at line 2, column 2')
  })
  it('refuses very deep nesting without overflowing the stack', () => {
    expect(fail('['.repeat(5000)).message).toMatch(/nested deeper/)
  })
})

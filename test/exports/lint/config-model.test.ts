/**
 * Findings about the rendered config point at lines of the template the author edits, even
 * when substituted values add lines; the expected lines are found by searching the template
 * text for a marker, independently of the offset map under test.
 */
import {afterAll, describe, expect, it} from 'vitest'
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintPath, type Finding} from '../../../src/exports/index.js'
import {renderConfigTemplate} from '../../../src/exports/lint/config-model.js'

const root = mkdtempSync(join(tmpdir(), 'sysbuild-config-model-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let n = 0

async function lint(files: Record<string, string>, opts: {set?: Record<string, string>; labels?: Record<string, string>} = {}): Promise<Finding[]> {
  const dir = join(root, `case-${n++}`)
  mkdirSync(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return (await lintPath(dir, {...opts, shownBase: dir})).filter((f) => f.rule.startsWith('config/') || f.rule.startsWith('manifest/') || f.rule === 'lint/internal-error')
}

/** 1-based line of the first occurrence of `marker`. */
const lineOf = (text: string, marker: string): number => text.slice(0, text.indexOf(marker)).split('\n').length

const template = (extra: string, mounts = '') => `{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "args": ["/usr/bin/hello"],
    "env": ["NAME=$NAME"],
    "cwd": "/",
    "capabilities": {
      "bounding": [\${ALL_PROCESS_CAPABILITIES}],
      "permitted": [\${ALL_PROCESS_CAPABILITIES}]
    }
  },
  "root": {"path": "rootfs", "readonly": true},
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"}${mounts}
  ]${extra}
}
`

describe('positions in the template', () => {
  it('a JSON error after multi-line values is reported on its template line', async () => {
    const t = template(',\n  "hostname": "x",\n')
    const [f] = await lint({'config.json.template': t})
    expect(f).toMatchObject({rule: 'config/invalid-json', severity: 'error', file: 'config.json.template', line: lineOf(t, '\n}\n') + 1, column: 1})
    expect(f!.message).toContain('trailing comma')
  })

  it('an error inside a substituted value points at the placeholder and names the variable', async () => {
    const t = template(',\n  "annotations": {"x": $EXTRA}')
    const [f] = await lint({'config.json.template': t, 'manifest.json': '{"version": "1.0", "defaultValues": {"EXTRA": "{bad"}}'})
    expect(f).toMatchObject({rule: 'config/invalid-json', line: lineOf(t, '$EXTRA'), column: t.split('\n')[lineOf(t, '$EXTRA') - 1]!.indexOf('$EXTRA') + 1})
    expect(f!.message).toContain('inside the value of $EXTRA')
  })

  it('schema and rule findings name the line of the key', async () => {
    const t = template(',\n  "linux": {\n    "namespaces": [{"type": "net"}]\n  }').replace('"terminal": false', '"terminal": true')
    const findings = await lint({'config.json.template': t})
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['config/terminal', lineOf(t, '"terminal"')],
      ['config/schema', lineOf(t, '"net"')],
    ])
  })

  it('maps offsets of literal text, escapes and values', () => {
    const r = renderConfigTemplate('{"a": "$$x",\n "b": "$V", "c": 1}', {V: 'line1\nline2'})!
    expect(r.text).toBe('{"a": "$x",\n "b": "line1\nline2", "c": 1}')
    expect(r.templatePosition(r.text.indexOf('"c"'))).toEqual({line: 2, column: 13})
    expect(r.templatePosition(r.text.indexOf('line2'))).toEqual({line: 2, column: 8, variable: 'V'})
    expect(r.templatePosition(r.text.indexOf('$x'))).toEqual({line: 1, column: 8})
    expect(r.isLiteral(0, 5)).toBe(true)
    expect(r.isLiteral(r.text.indexOf('"line1'), r.text.indexOf('", "c"') + 1)).toBe(false)
    expect(renderConfigTemplate('{"a": "$MISSING"}', {})).toBeUndefined()
    expect(renderConfigTemplate('{"a": "$1"}', {})).toBeUndefined()
  })
})

describe('rule details', () => {
  it('reports nothing when the template does not render (the template rules own that)', async () => {
    expect(await lint({'config.json.template': template('').replace('$NAME', '$NO_SUCH_VAR')})).toEqual([])
  })

  it('reports each broken value once: a wrong type of root.path goes to config/root-path only', async () => {
    const findings = await lint({'config.json.template': template('').replace('"path": "rootfs"', '"path": 5')})
    expect(findings.map((f) => f.rule)).toEqual(['config/root-path'])
  })

  it('warns about hard-coded state directories only where the source is written literally', async () => {
    const mounts = `,
    {"destination": "/a", "type": "bind", "source": "\${STATE_DIRECTORY}/a", "options": ["rbind"]},
    {"destination": "/b", "type": "bind", "source": "/var/lib/b", "options": ["rbind"]},
    {"destination": "/c", "type": "none", "source": "/run/c", "options": ["bind"]},
    {"destination": "/d", "type": "tmpfs", "source": "/run/d"}`
    const findings = await lint({'config.json.template': template('', mounts)})
    expect(findings.map((f) => [f.rule, f.hint])).toEqual([
      ['config/hardcoded-state-dir', 'write "source": "${STATE_DIRECTORY}/b" so that --set STATE_DIRECTORY=... moves it'],
      ['config/hardcoded-state-dir', 'write "source": "${RUN_DIRECTORY}/c" so that --set RUN_DIRECTORY=... moves it'],
    ])
  })

  it('exempts run-once images from readonly-root, and only them', async () => {
    const t = template('').replace('"readonly": true', '"readonly": false')
    expect((await lint({'config.json.template': t})).map((f) => f.rule)).toEqual(['config/readonly-root'])
    expect(await lint({'config.json.template': t}, {labels: {'atomic.run': 'once'}})).toEqual([])
    const dockerfile = 'FROM scratch\nLABEL atomic.type=system atomic.run=once\nCOPY config.json.template /exports/\n'
    expect(await lint({'config.json.template': t, Dockerfile: dockerfile})).toEqual([])
  })

  it('a fragment variable not at the end of an array is not rendered twice', async () => {
    const t = template(',\n  "annotations": {"a": "x$ADDTL"}')
    expect(await lint({'config.json.template': t, 'manifest.json': '{"version": "1.0", "defaultValues": {"ADDTL": ""}}'})).toEqual([])
  })

  it('a fragment variable also used inside a string breaks the fragment render', async () => {
    const t = template(',\n  "annotations": {"a": "x$ADDTL"}', '\n    $ADDTL')
    const [f] = await lint({'config.json.template': t, 'manifest.json': '{"version": "1.0", "defaultValues": {"ADDTL": ""}}'})
    expect(f).toMatchObject({rule: 'config/fragment-render', severity: 'error', line: lineOf(t, '\n    $ADDTL') + 1})
  })

  it('plain config.json is the file checked when present; with a template beside it, an error', async () => {
    const rendered = template('').replace('$NAME', 'x').replace(/\$\{ALL_PROCESS_CAPABILITIES\}/g, '"CAP_KILL"')
    const alone = await lint({'config.json': rendered.replace('"terminal": false', '"terminal": true')})
    expect(alone.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ['config/plain-config-json', 'warning', 'config.json'],
      ['config/terminal', 'error', 'config.json'],
    ])
    const both = await lint({'config.json': rendered, 'config.json.template': template('')})
    expect(both.map((f) => [f.rule, f.severity])).toEqual([['config/plain-config-json', 'error']])
  })
})

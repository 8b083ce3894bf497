/**
 * The unit-file model: byte-exact round trips (corpus and hand-written cases), golden
 * models, and systemd 252 itself as the oracle for how lines are read (its warnings name
 * the line and echo the value), for the key table and for the default unit.
 */
import {describe, expect, it} from 'vitest'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {
  DEFAULT_SERVICE_TEMPLATE,
  DEPRECATED_UNIT_KEYS,
  effectiveUnitAssignments,
  parseUnitFile,
  renderTemplate,
  UNIT_ENUM_VALUES,
  UNIT_KEYS,
  unitAssignments,
  unitEntryAt,
  unitSections,
  unitValues,
  writeUnitFile,
} from '../../src/exports/index.js'
import {sampleValues} from '../../src/exports/lint/sample-values.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const SYSTEMD = '/lib/systemd/systemd'
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0
const hasSystemd = existsSync(SYSTEMD)

function findFiles(dir: string, name: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? findFiles(p, name) : e === name ? [p] : []
  })
}

/** Run `systemd-analyze verify --man=no` on a unit text; returns the output lines with the path shortened to `x.service`. */
function verify(text: string): {status: number | null; lines: string[]} {
  const dir = mkdtempSync(join(tmpdir(), 'unit-file-test-'))
  try {
    const path = join(dir, 'x.service')
    writeFileSync(path, text)
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], {encoding: 'utf8', env: {...process.env, LC_ALL: 'C'}})
    const lines = `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => l.trim() !== '').map((l) => l.replaceAll(path, 'x.service'))
    return {status: r.status, lines}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

const TRICKY: Record<string, string> = {
  'leading empty line': '\n[Unit]\nDescription=x\n',
  'no trailing newline': '[Unit]\nDescription=x',
  'empty text': '',
  'only a newline': '\n',
  'CRLF endings': '[Unit]\r\nDescription=x\r\n\r\n[Service]\r\nExecStart=/bin/true \\\r\n  --flag\r\n',
  'byte-order mark': '\ufeff[Unit]\nDescription=x\n',
  'continuation at end of file': '[Service]\nExecStart=/bin/true \\',
  'comments inside a continuation': '[Service]\nExecStart=/bin/a \\\n# skipped\n; skipped too\n  b \\\n  c\n',
  'escaped backslash is no continuation': '[Service]\nEnvironment=A=\\\\\nType=simple\n',
  'comment ending in a backslash': '[Unit]\n# note \\\nDescription=x\n',
  'repeated keys and sections': '[Unit]\nAfter=a\n[Service]\nExecStart=/bin/a\n[Unit]\nAfter=b\nAfter=c\n',
  'blanks around everything': '  [Unit]  \n\t Description  =  spaced value \t\n   \n',
  'invalid lines': 'Key=outside\n[Unit\n[Unit]\nno equals\n=novalue\n',
  'trailing blank lines': '[Unit]\nDescription=x\n\n\n',
}

describe('unit file round trip', () => {
  const corpus = findFiles(CORPUS, 'service.template')
  const title = corpus.length ? `writes back every corpus service.template byte for byte (${corpus.length} files)` : 'corpus round trip: skipped, ../shared/corpus is missing'
  it.skipIf(!corpus.length)(title, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20)
    for (const f of corpus) {
      const text = readFileSync(f, 'utf8')
      expect(writeUnitFile(parseUnitFile(text)), f).toBe(text)
    }
  })

  it.each(Object.entries(TRICKY))('writes back %s byte for byte', (_, text) => {
    const unit = parseUnitFile(text)
    expect(writeUnitFile(unit)).toBe(text)
    expect(parseUnitFile(writeUnitFile(unit))).toEqual(unit)
    const lines = unit.entries.flatMap((e) => e.raw)
    expect(unit.entries.map((e) => e.line)).toEqual(unit.entries.map((_, i) => 1 + unit.entries.slice(0, i).reduce((n, e) => n + e.raw.length, 0)))
    expect(lines.length).toBe(text === '' ? 0 : text.split('\n').length - (unit.finalNewline ? 1 : 0))
  })
})

describe('unit file model', () => {
  it('reads sections, comments, blanks, continuations and repeated keys', () => {
    const unit = parseUnitFile(TRICKY['comments inside a continuation']! + TRICKY['repeated keys and sections']!)
    expect(unit.entries.map((e) => [e.kind, e.line, e.endLine])).toEqual([
      ['section', 1, 1],
      ['assignment', 2, 6],
      ['section', 7, 7],
      ['assignment', 8, 8],
      ['section', 9, 9],
      ['assignment', 10, 10],
      ['section', 11, 11],
      ['assignment', 12, 12],
      ['assignment', 13, 13],
    ])
    expect(unitValues(unit, 'Service', 'ExecStart')).toEqual(['/bin/a    b    c', '/bin/a'])
    expect(unitValues(unit, 'Unit', 'After')).toEqual(['a', 'b', 'c'])
    expect(unitSections(unit)).toEqual(['Service', 'Unit'])
    expect(unitEntryAt(unit, 4)).toMatchObject({kind: 'assignment', key: 'ExecStart', line: 2})
  })

  it('strips blanks around keys and values and leaves values otherwise alone', () => {
    const unit = parseUnitFile(TRICKY['blanks around everything']!)
    expect(unitAssignments(unit)).toMatchObject([{section: 'Unit', key: 'Description', value: 'spaced value', line: 2}])
  })

  it('classifies lines systemd ignores or refuses', () => {
    const unit = parseUnitFile(TRICKY['invalid lines']!)
    expect(unit.entries.map((e) => (e.kind === 'invalid' ? e.reason : e.kind))).toEqual([
      'assignment',
      'bad-section-header',
      'section',
      'missing-equals',
      'missing-key',
    ])
    expect(unit.entries[0]).toMatchObject({kind: 'assignment', section: undefined, key: 'Key'})
  })

  it('resets list keys at an empty assignment', () => {
    const unit = parseUnitFile('[Service]\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\n')
    expect(effectiveUnitAssignments(unit, 'Service', 'ExecStart').map((a) => a.value)).toEqual(['/bin/b'])
    expect(effectiveUnitAssignments(parseUnitFile('[Service]\nExecStart=/bin/a\nExecStart=\n'), 'Service', 'ExecStart')).toEqual([])
  })

  it('skips a byte-order mark and reads CRLF lines', () => {
    expect(unitSections(parseUnitFile(TRICKY['byte-order mark']!))).toEqual(['Unit'])
    const crlf = parseUnitFile(TRICKY['CRLF endings']!)
    expect(unitValues(crlf, 'Unit', 'Description')).toEqual(['x'])
    expect(unitValues(crlf, 'Service', 'ExecStart')).toEqual(['/bin/true    --flag'])
  })
})

describe.skipIf(!hasAnalyze)('unit file model against systemd-analyze verify (skipped without systemd-analyze)', () => {
  // Type= with a value systemd cannot parse makes it print the line and the value it read.
  const cases: Record<string, string> = {
    'continuations with comments and blanks':
      '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/runc run x\nType=bogus \\\n# c\n  more\\\n; c2\nend\nType=t2 \\\n\nType=t3\n',
    'blanks and CRLF': '[Unit]\r\nDescription=x\r\n [Service] \r\nExecStart=/usr/bin/runc run x\r\n  Type =  spaced  value \r\nType=a\\\\\nType=b\n',
    'comment ending in a backslash': '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/runc run x\n# c \\\nType=after-comment\n',
    'continued line at the end': '[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/runc run x\nType=last \\',
  }
  it.each(Object.entries(cases))('reads %s as systemd does', (_, text) => {
    const unit = parseUnitFile(text)
    // At the end of a file without a final newline systemd counts one line too many.
    const last = (n: number) => (n === text.split('\n').length && !text.endsWith('\n') && text.endsWith('\\') ? n + 1 : n)
    const ours = unitAssignments(unit, 'Service', 'Type').map((a) => `x.service:${last(a.endLine)}: Failed to parse service type, ignoring: ${a.value}`)
    const theirs = verify(text).lines.filter((l) => l.includes('service type'))
    expect(theirs.map((l) => l.trimEnd())).toEqual(ours.map((l) => l.trimEnd()))
    expect(ours.length).toBeGreaterThan(0)
  })

  it('puts unknown keys, outside assignments and bad lines where systemd does', () => {
    const text = 'Early=1\n[Unit]\nDescription=x\nZzUnit=1\n[Service]\nExecStart=/usr/bin/runc run x\nZzSvc=\\\n  2\nno equals here\n=nokey\n[Install]\nZzInst=3\n'
    const unit = parseUnitFile(text)
    const ours = unit.entries.flatMap((e) => {
      if (e.kind === 'assignment' && e.section === undefined) return [`x.service:${e.endLine}: Assignment outside of section. Ignoring.`]
      if (e.kind === 'assignment' && e.key.startsWith('Zz')) return [`x.service:${e.endLine}: Unknown key '${e.key}' in section [${e.section}], ignoring.`]
      if (e.kind === 'invalid' && e.reason === 'missing-equals') return [`x.service:${e.endLine}: Missing '=', ignoring line.`]
      if (e.kind === 'invalid' && e.reason === 'missing-key') return [`x.service:${e.endLine}: Missing key name before '=', ignoring line.`]
      return []
    })
    expect(verify(text).lines).toEqual(ours)
  })
})

describe.skipIf(!hasSystemd)('unit key table against systemd 252 (skipped without /lib/systemd/systemd)', () => {
  it('matches `systemd --dump-configuration-items` for [Unit], [Service] and [Install]', () => {
    const dump = spawnSync(SYSTEMD, ['--dump-configuration-items'], {encoding: 'utf8'}).stdout
    const bySection: Record<string, string[]> = {}
    let section = ''
    for (const line of dump.split('\n')) {
      const h = /^\[(.+)\]$/.exec(line)
      if (h) section = h[1]!
      else if (line.includes('=')) (bySection[section] ??= []).push(line.slice(0, line.indexOf('=')))
    }
    for (const s of ['Unit', 'Service', 'Install'] as const) expect([...UNIT_KEYS[s]].sort(), s).toEqual([...new Set(bySection[s])].sort())
  })
})

describe.skipIf(!hasAnalyze)('unit key table against systemd-analyze verify (skipped without systemd-analyze)', () => {
  it('has no key systemd calls unknown, and systemd reads to the end', () => {
    // An empty value is fine for most keys; a few refuse it fatally and systemd stops reading:
    // such a key is known (it was parsed), so drop it and run again until the probe is reached.
    const keys = {Unit: [...UNIT_KEYS.Unit], Service: [...UNIT_KEYS.Service], Install: [...UNIT_KEYS.Install]}
    const fatal: string[] = []
    for (let round = 0; round < 20; round++) {
      const body = (s: keyof typeof keys) => keys[s].map((k) => `${k}=`).join('\n')
      const text = `[Unit]\n${body('Unit')}\n[Service]\nExecStart=/usr/bin/runc run x\n${body('Service')}\n[Install]\n${body('Install')}\nZzProbe=1\n`
      const lines = verify(text).lines
      expect(lines.filter((l) => l.includes('Unknown key') && !l.includes('ZzProbe'))).toEqual([])
      if (lines.some((l) => l.includes("Unknown key 'ZzProbe' in section [Install]"))) break
      const stop = lines.map((l) => /^x\.service:(\d+): (?!.*ignoring)/.exec(l)).find((m) => m)
      expect(stop, lines.join('\n')).toBeTruthy()
      const key = text.split('\n')[Number(stop![1]) - 1]!.split('=')[0]!
      fatal.push(key)
      for (const s of ['Unit', 'Service', 'Install'] as const) keys[s] = keys[s].filter((k) => k !== key)
    }
    expect(fatal.length).toBeLessThan(20)
  })

  it('knows exactly the values systemd accepts for enumerated keys', () => {
    for (const [id, {values, emptyOk}] of Object.entries(UNIT_ENUM_VALUES)) {
      const key = id.split('.')[1]!
      const lines = [...values, 'bogus-value', ...(emptyOk ? [''] : [])].map((v) => `${key}=${v}`)
      const text = `[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/runc run x\n${lines.join('\n')}\n`
      const complaints = verify(text).lines.filter((l) => /^x\.service:\d+:/.test(l) && /ignoring/.test(l))
      expect(complaints.map((l) => Number(/:(\d+):/.exec(l)![1])), id).toEqual([5 + values.length])
    }
  })

  it('marks exactly the deprecated keys systemd warns about', () => {
    const values: Record<string, string> = {
      RequiresOverridable: 'a.service',
      RequisiteOverridable: 'a.service',
      MemoryLimit: '1G',
      CPUShares: '100',
      StartupCPUShares: '100',
      BlockIODeviceWeight: '/dev/sda 100',
      BlockIOReadBandwidth: '/dev/sda 1M',
      BlockIOWriteBandwidth: '/dev/sda 1M',
    }
    const entries = Object.keys(DEPRECATED_UNIT_KEYS).map((id) => id.split('.') as [string, string])
    const unitLines = entries.filter(([s]) => s === 'Unit').map(([, k]) => `${k}=${values[k]}`)
    const serviceLines = entries.filter(([s]) => s === 'Service').map(([, k]) => `${k}=${values[k]}`)
    const text = `[Unit]\nDescription=x\n${unitLines.join('\n')}\n[Service]\nExecStart=/usr/bin/runc run x\n${serviceLines.join('\n')}\n`
    const warned = verify(text).lines.filter((l) => /obsolete|please use/.test(l))
    expect(warned.length).toBe(entries.length)
  })
})

describe('default unit', () => {
  it('has atomic’s keys in atomic’s order (atomic-semantics.md §6.2)', () => {
    const unit = parseUnitFile(DEFAULT_SERVICE_TEMPLATE)
    expect(unitAssignments(unit).map((a) => `${a.section}.${a.key}=${a.value}`)).toEqual([
      'Unit.Description=$NAME',
      'Service.ExecStartPre=$EXEC_STARTPRE',
      'Service.ExecStart=$EXEC_START',
      'Service.ExecStop=$EXEC_STOP',
      'Service.ExecStopPost=$EXEC_STOPPOST',
      'Service.Restart=on-failure',
      'Service.WorkingDirectory=$DESTDIR',
      'Service.PIDFile=$PIDFILE',
      'Install.WantedBy=multi-user.target',
    ])
    expect(DEFAULT_SERVICE_TEMPLATE.endsWith('\n')).toBe(true)
    expect(unit.entries[0]).toMatchObject({kind: 'comment'})
  })

  it.skipIf(!hasAnalyze || !existsSync('/usr/bin/runc'))('passes systemd-analyze verify once rendered with sample values (skipped without systemd-analyze or /usr/bin/runc)', () => {
    const values = sampleValues({name: 'sample', defaults: {}, set: {}}).values
    const rendered = renderTemplate(DEFAULT_SERVICE_TEMPLATE, values, 'service.template')
    expect(rendered).toContain("ExecStart=/usr/bin/runc run -d --pid-file /run/container-sample.pid 'sample'")
    expect(rendered).toContain('ExecStop=\n')
    const r = verify(rendered)
    expect(r.lines).toEqual([])
    expect(r.status).toBe(0)
  })
})

/**
 * The tmpfiles.d parser against systemd-tmpfiles 252: every corpus tmpfiles.template
 * (rendered with lint's sample values) is accepted by both, and a table of broken and
 * tricky lines gets the same verdict, on the same line, from both.
 */
import {describe, expect, it} from 'vitest'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {formatValue, lintPath, parseTmpfiles, renderTemplate, TMPFILES_OPAQUE} from '../../src/exports/index.js'
import {sampleValues} from '../../src/exports/lint/sample-values.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const hasTmpfiles = spawnSync('systemd-tmpfiles', ['--version']).status === 0

/** Apply a conf with `systemd-tmpfiles --create --boot` to an empty root; output lines name the conf `x.conf`. */
function applyConf(text: string): {status: number | null; lines: string[]} {
  const dir = mkdtempSync(join(tmpdir(), 'tmpfiles-test-'))
  try {
    mkdirSync(join(dir, 'root'))
    const conf = join(dir, 'x.conf')
    writeFileSync(conf, text)
    const r = spawnSync('systemd-tmpfiles', ['--create', '--boot', `--root=${join(dir, 'root')}`, conf], {encoding: 'utf8', env: {...process.env, LC_ALL: 'C'}})
    const lines = `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => l.trim() !== '').map((l) => l.replaceAll(conf, 'x.conf'))
    return {status: r.status, lines}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

function findFiles(dir: string, name: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e)
    return statSync(p).isDirectory() ? findFiles(p, name) : e === name ? [p] : []
  })
}

function renderCorpusTemplate(path: string): string {
  const dir = dirname(path)
  const defaults: Record<string, string> = {}
  if (existsSync(join(dir, 'manifest.json'))) {
    const dv = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {defaultValues?: Record<string, unknown>}).defaultValues ?? {}
    for (const [k, v] of Object.entries(dv)) {
      const f = formatValue(v)
      if (f.ok) defaults[k] = f.text
    }
  }
  const service = join(dir, 'service.template')
  const values = sampleValues({
    name: basename(dir),
    defaults,
    set: {VAR_WITH_NO_DEFAULT: 'x', RECEIVER: 'x'},
    serviceText: existsSync(service) ? readFileSync(service, 'utf8') : undefined,
  }).values
  return renderTemplate(readFileSync(path, 'utf8'), values, 'tmpfiles.template')
}

describe('tmpfiles corpus', () => {
  const files = findFiles(CORPUS, 'tmpfiles.template')
  const title = files.length ? `systemd-tmpfiles and the parser accept every corpus tmpfiles.template (${files.length})` : 'corpus: skipped, ../shared/corpus is missing'
  it.skipIf(!files.length || !hasTmpfiles)(title, () => {
    expect(files.length).toBeGreaterThanOrEqual(13)
    for (const f of files) {
      const text = renderCorpusTemplate(f)
      const tool = applyConf(text)
      expect({file: f, status: tool.status, lines: tool.lines}).toEqual({file: f, status: 0, lines: []})
      expect({file: f, problems: parseTmpfiles(text).problems}).toEqual({file: f, problems: []})
    }
  })
})

/** Lines systemd-tmpfiles refuses; the number is the line it names. */
const BROKEN: ReadonlyArray<readonly [string, number]> = [
  ['g /x/a', 1],
  ['d!! /x/a', 1],
  ['d? /x/a', 1],
  ['d', 1],
  ['d x/rel', 1],
  ['d "" - - -', 1],
  ['d /x/a bogus', 1],
  ['d /x/a 8', 1],
  ['d /x/a 17777', 1],
  ['d /x/a ~', 1],
  ['d /x/a 0x1', 1],
  ['d /x/a - - - 10x', 1],
  ['d /x/a - - - 5.h', 1],
  ['d /x/a - - - -1', 1],
  ['d /x/a - - - ~', 1],
  ['d /x/a - - - 1ns', 1],
  ['d "/x/a', 1],
  ['d /x/a\\', 1],
  ['w /x/a', 1],
  ['w /x/a - - - - -', 1],
  ['c /dev/x - - - - 1', 1],
  ['c /dev/x', 1],
  ['C /x/c - - - - relative', 1],
  ['L~ /x/l - - - - /t', 1],
  ['c~ /dev/x - - - - 1:3', 1],
  ['f^ /x/a', 1],
  ['f^ /x/a - - - - bad/name', 1],
  ['d /x/%q', 1],
  ['d %a/x', 1],
  ['a /x/a', 1],
  ['t /x/a', 1],
  ['; semicolons do not start comments', 1],
  ['d /x/ok\n\n# c\nd /x/a bogus', 4],
]

/** Lines systemd-tmpfiles applies without a word. */
const ACCEPTED: readonly string[] = [
  'd /x/a 0755 - - -',
  'd /x/a ~0755',
  'd /x/a :0755',
  'd /x/a ~:0755',
  'd /x/a 00000755',
  'd /x/a - 0 0 10d',
  'd /x/a - root root ~10d',
  'd /x/a - - - 1h30m',
  'd /x/a - - - .5h',
  'd /x/a - - - infinity',
  'd /x/a - - - 1d2',
  "d /x/a - - - '1h 30m'",
  'd /x/a - - - 2\u00b5s',
  'd "/x/a b" 0700',
  "d /x/a'b c' -",
  'd /x/a\\x20b',
  'd %t/x',
  'd /x/%%',
  'd /x/a "" - -',
  'd\t/x/tab\t-',
  'd /x/crlf\r',
  'f /x/f - - - - hello world',
  'f+ /x/g - - - - "quoted argument"',
  'F /x/F',
  'L+ /x/l - - - - /target',
  'L /x/m',
  'c /dev/x - - - - 1:3',
  'f~ /x/b - - - - aGVsbG8=',
  'f^ /x/c - - - - good.name',
  'C /x/copy - - - - /nonexistent',
  'd! /x/boot',
  'd- /x/minus',
  'd= /x/eq',
  'x /x/ignore*',
  'X /x/ignore2',
  'r /x/rm',
  'R /x/rmrf',
  'z /x/a',
  'Z /x/a',
  'e /x/a',
  'v /x/v',
  'q /x/q',
  'Q /x/Q',
  'p /x/fifo',
  'a /x/a - - - - u:root:rwx',
  't /x/a - - - - user.x=1',
  '# a comment\n   # an indented comment\n\n',
  '',
]

/** Lines systemd-tmpfiles applies with a warning ("…, ignoring."): the parser warns too. */
const WARNED: readonly string[] = ['d /x/a - - - - arg', 'd /x/a 0755 - - - - #not a comment', 'r /x/r - - - - x']

describe.skipIf(!hasTmpfiles)('tmpfiles parser against systemd-tmpfiles (skipped without systemd-tmpfiles)', () => {
  it.each(BROKEN)('both refuse %j (line %i)', (text, line) => {
    const tool = applyConf(`${text}\n`)
    expect(tool.status).not.toBe(0)
    expect(tool.lines.some((l) => l.startsWith(`x.conf:${line}: `)), tool.lines.join('\n')).toBe(true)
    const errors = parseTmpfiles(`${text}\n`).problems.filter((p) => p.severity === 'error')
    expect(errors.map((p) => p.line)).toContain(line)
    expect(new Set(errors.map((p) => p.line))).toEqual(new Set([line]))
  })

  it.each(ACCEPTED)('both accept %j', (text) => {
    const tool = applyConf(`${text}\n`)
    expect(tool).toEqual({status: 0, lines: []})
    expect(parseTmpfiles(`${text}\n`).problems).toEqual([])
  })

  it.each(WARNED)('both only warn about %j', (text) => {
    const tool = applyConf(`${text}\n`)
    expect(tool.status).toBe(0)
    expect(tool.lines).toEqual([expect.stringMatching(/^x\.conf:1: .*ignoring\.$/)])
    expect(parseTmpfiles(`${text}\n`).problems).toEqual([expect.objectContaining({line: 1, severity: 'warning', kind: 'unused-argument'})])
  })
})

describe('tmpfiles parser', () => {
  it('reads the fields, with - as unset and quotes removed', () => {
    const {entries, problems} = parseTmpfiles("# c\nd!-  '/var/lib/my dir'  0700 0 - ~10d -\nL+ /etc/x.conf - - - - /usr/share/x.conf  trailing words\n")
    expect(problems).toEqual([])
    expect(entries).toEqual([
      {line: 2, type: 'd', modifiers: '!-', path: '/var/lib/my dir', mode: '0700', user: '0', age: '~10d', columns: [1, 6, 25, 30, 32, 34, 39]},
      {line: 3, type: 'L', modifiers: '+', path: '/etc/x.conf', argument: '/usr/share/x.conf  trailing words', columns: [1, 4, 16, 18, 20, 22, 24]},
    ])
  })

  it('gives columns of the offending field', () => {
    const {problems} = parseTmpfiles('  d /x 0999\n')
    expect(problems).toEqual([expect.objectContaining({line: 1, column: 8, kind: 'bad-mode', severity: 'error'})])
  })

  it('does not check fields holding an unknown value, but checks the rest', () => {
    const o = TMPFILES_OPAQUE
    expect(parseTmpfiles(`d ${o}/x ${o} ${o} ${o} ${o}\n`).problems).toEqual([])
    expect(parseTmpfiles(`d /x/${o} bogus\n`).problems.map((p) => p.kind)).toEqual(['bad-mode'])
    expect(parseTmpfiles(`d rel/${o}\n`).problems.map((p) => p.kind)).toEqual(['relative-path'])
  })

  it('flags paths with .. (systemd-tmpfiles cannot create them)', () => {
    expect(parseTmpfiles('d /x/../y\n').problems.map((p) => p.kind)).toEqual(['unnormalized-path'])
  })
})

describe('tmpfiles.template in lint', () => {
  const lintTemplate = async (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'tmpfiles-lint-'))
    try {
      for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text)
      return (await lintPath(dir, {shownBase: dir, only: ['tmpfiles/parse-error', 'tmpfiles/relative-path']})).map((f) => [f.rule, f.line, f.column, f.message])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }

  it('reports template lines and columns, rendering values that span lines', async () => {
    const manifest = JSON.stringify({version: '1.0', defaultValues: {DIRS: 'd /run/a\nd /run/b', SUB: 'rel'}})
    const template = '$DIRS\nd ${RUN_DIRECTORY}/${NAME} 0999\n  d /run/plain 0888\nd $SUB/x\n'
    expect(await lintTemplate({'manifest.json': manifest, 'tmpfiles.template': template})).toEqual([
      ['tmpfiles/parse-error', 2, undefined, "invalid mode '0999': expected octal digits up to 07777, optionally after ~ or :"],
      ['tmpfiles/parse-error', 3, 16, "invalid mode '0888': expected octal digits up to 07777, optionally after ~ or :"],
      ['tmpfiles/relative-path', 4, undefined, "path 'rel/x' is not absolute (rendered with sample values)"],
    ])
  })

  it('does not judge fields whose variables have no value', async () => {
    expect(await lintTemplate({'tmpfiles.template': 'd $WHERE $MODE $OWNER - $AGE\n'})).toEqual([])
  })
})

describe('tmpfiles word splitting', () => {
  const text = 'd /a\\x20b\nd /c\\040d\nd "/e\\"f"\nd /g\\u00e9\nd \'/h i\'j\nd /k\\tl\n'
  // A backslash makes the next character literal; there are no C escapes in these fields.
  const expected = ['/ax20b', '/c040d', '/e"f', '/gu00e9', '/h ij', '/ktl']

  it('removes quotes and backslashes', () => {
    expect(parseTmpfiles(text).entries.map((e) => e.path)).toEqual(expected)
  })

  it.skipIf(!hasTmpfiles)('reads the same paths systemd-tmpfiles creates (skipped without systemd-tmpfiles)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tmpfiles-test-'))
    try {
      mkdirSync(join(dir, 'root'))
      writeFileSync(join(dir, 'x.conf'), text)
      const r = spawnSync('systemd-tmpfiles', ['--create', `--root=${join(dir, 'root')}`, join(dir, 'x.conf')], {encoding: 'utf8'})
      expect(r.status, r.stderr).toBe(0)
      expect(readdirSync(join(dir, 'root')).sort()).toEqual(expected.map((p) => p.slice(1)).sort())
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

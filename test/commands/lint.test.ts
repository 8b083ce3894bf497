/**
 * `sysbuild lint` through the compiled CLI: exit codes 0/2/3, the four formats (the JSON
 * report checked against its schema, SARIF's structure, GitHub workflow commands), colours
 * only on a terminal, bad input as one clear message without a stack trace, and the
 * generated docs/lint-rules.md.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {validateWithSchema} from '../../src/core/index.js'
import {lintPath, RULES} from '../../src/exports/index.js'
import {buildCli, hasStackTrace, ROOT, runCli} from './run-cli.js'
import {needTool} from '../kit/tools.js'

let work: string
let clean: string
let garbage: string
let badToml: string
beforeAll(() => {
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-lint-'))
  clean = join(work, 'clean')
  expect(runCli(['init', 'clean', '--dir', clean]).status).toBe(0)
  garbage = join(work, 'garbage')
  cpSync(clean, garbage, {recursive: true})
  // Binary data in the middle of a template: NUL bytes and invalid UTF-8 on line 3.
  writeFileSync(join(garbage, 'exports', 'service.template'), Buffer.concat([Buffer.from('[Unit]\nDescription=x\n'), Buffer.from([0xff, 0x00, 0xfe, 0x0a])]))
  badToml = join(work, 'bad-toml')
  cpSync(clean, badToml, {recursive: true})
  writeFileSync(join(badToml, 'sysbuild.toml'), 'name = "bad-toml"\ntag = "unterminated\n')
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

const lines = (s: string): string[] => s.split('\n').filter(Boolean)

/** A rule fixture whose report has warnings and no errors, if any rule provides one. */
async function warningsOnlyFixture(): Promise<string | undefined> {
  const base = join(ROOT, 'test', 'fixtures', 'lint')
  for (const d of readdirSync(base).sort()) {
    const dir = join(base, d, 'bad')
    if (!existsSync(dir) || existsSync(join(base, d, 'lint-options.json')) || existsSync(join(base, d, 'lint-options.bad.json'))) continue
    const findings = await lintPath(dir)
    if (findings.some((f) => f.severity === 'warning') && !findings.some((f) => f.severity === 'error')) return dir
  }
  return undefined
}

describe('sysbuild lint: exit codes and text output', () => {
  it('exits 0 on a clean project and ends with the summary line', () => {
    const r = runCli(['lint', clean])
    expect(r.status).toBe(0)
    expect(lines(r.stdout).at(-1)).toMatch(/^0 errors, 0 warnings(, \d+ infos?)?$/)
    expect(r.stdout).not.toContain('\u001b[')
  })

  it('lints the current directory by default', () => {
    const r = runCli(['lint'], {cwd: clean})
    expect(r.status).toBe(0)
    expect(lines(r.stdout).at(-1)).toMatch(/^0 errors, 0 warnings/)
  })

  it('exits 3 on binary garbage, naming the file and line, without a stack trace', () => {
    const r = runCli(['lint', garbage])
    expect(r.status).toBe(3)
    expect(r.stdout).toMatch(/garbage\/exports\/service\.template:3: error: binary data at line 3 .*\[exports\/unreadable-file\]/)
    expect(lines(r.stdout).at(-1)).toMatch(/^[1-9]\d* errors?, \d+ warnings?/)
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false)
  })

  it('exits 3 on invalid TOML in sysbuild.toml, with line and column', () => {
    const r = runCli(['lint', badToml])
    expect(r.status).toBe(3)
    const finding = lines(r.stdout).filter((l) => l.includes('[spec/invalid]'))
    expect(finding).toHaveLength(1)
    expect(finding[0]).toMatch(/bad-toml\/sysbuild\.toml:2:\d+: error: /)
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false)
  })

  it('lints several paths into one report', () => {
    const r = runCli(['lint', '--json', clean, garbage])
    expect(r.status).toBe(3)
    const report = JSON.parse(r.stdout)
    expect(report.findings.some((f: {file: string}) => f.file.includes('garbage'))).toBe(true)
  })

  it('exits 0 on warnings only, and 3 with --strict (warnings become errors)', async () => {
    const dir = await warningsOnlyFixture()
    if (!dir) return // no rule in the table produces a warnings-only fixture yet
    const loose = runCli(['lint', '--json', dir])
    expect(loose.status).toBe(0)
    const report = JSON.parse(loose.stdout)
    expect(report.warnings).toBeGreaterThan(0)
    const strict = runCli(['lint', '--json', '--strict', dir])
    expect(strict.status).toBe(3)
    const s = JSON.parse(strict.stdout)
    expect(s.errors).toBe(report.warnings)
    expect(s.warnings).toBe(0)
    expect(runCli(['lint', dir]).stdout).toMatch(new RegExp(`\\n0 errors, ${report.warnings} warnings?`))
  })

  it('colours the severity only on a terminal', (ctx) => {
    needTool(ctx, 'script')
    const cmd = `node ${join(ROOT, 'bin', 'run.js')} lint ${garbage}`
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], {encoding: 'utf8', env: {...process.env, NO_COLOR: ''}})
    expect(tty.stdout).toContain('\u001b[31merror\u001b[0m')
    expect(tty.status).toBe(3)
    const noColor = spawnSync('script', ['-qec', cmd, '/dev/null'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    expect(noColor.stdout).not.toContain('\u001b[31m')
  })
})

describe('sysbuild lint: usage errors exit 2 without a stack trace', () => {
  it('refuses a directory that is not a project', () => {
    const empty = join(work, 'empty')
    mkdirSync(empty, {recursive: true})
    const r = runCli(['lint', empty])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('SYSBUILD_USAGE_NOT_A_PROJECT')
    expect(hasStackTrace(r.stderr)).toBe(false)
    const j = runCli(['lint', '--json', empty])
    expect(j.status).toBe(2)
    expect(JSON.parse(j.stdout).error.code).toBe('SYSBUILD_USAGE_NOT_A_PROJECT')
  })

  it.each([
    [['--set', 'NOEQUALS'], 'SYSBUILD_USAGE_INVALID_SET'],
    [['--format', 'xml'], undefined],
    [['--bogus'], undefined],
  ])('refuses %j', (args, code) => {
    const r = runCli(['lint', ...args, clean])
    expect(r.status).toBe(2)
    if (code) expect(r.stderr).toContain(code)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })
})

describe('sysbuild lint: machine formats', () => {
  it('prints the same report for --json and --format json, valid against lint-report.schema.json', () => {
    const a = runCli(['lint', '--json', garbage])
    const b = runCli(['lint', '--format', 'json', garbage])
    expect(a.status).toBe(3)
    expect(b.status).toBe(3)
    expect(b.stdout).toBe(a.stdout)
    const report = JSON.parse(a.stdout)
    expect(validateWithSchema('exports', 'lint-report', report)).toEqual([])
    expect(report.errors).toBe(report.findings.filter((f: {severity: string}) => f.severity === 'error').length)
    expect(validateWithSchema('exports', 'lint-report', JSON.parse(runCli(['lint', '--json', clean]).stdout))).toEqual([])
  })

  it('writes SARIF 2.1.0 with every rule described and each result pointing at its rule and region', () => {
    const r = runCli(['lint', '--format', 'sarif', garbage, badToml])
    expect(r.status).toBe(3)
    const log = JSON.parse(r.stdout)
    expect(log.version).toBe('2.1.0')
    expect(log.$schema).toMatch(/sarif-2\.1\.0/)
    expect(log.runs).toHaveLength(1)
    const driver = log.runs[0].tool.driver
    expect(driver.name).toBe('sysbuild')
    const ids = driver.rules.map((x: {id: string}) => x.id)
    for (const rule of RULES) expect(ids).toContain(rule.id)
    for (const d of driver.rules) {
      expect(d.shortDescription.text.length).toBeGreaterThan(0)
      expect(['error', 'warning', 'note']).toContain(d.defaultConfiguration.level)
    }
    const results = log.runs[0].results
    expect(results.length).toBeGreaterThanOrEqual(2)
    for (const res of results) {
      expect(driver.rules[res.ruleIndex].id).toBe(res.ruleId)
      expect(['error', 'warning', 'note']).toContain(res.level)
      expect(res.message.text.length).toBeGreaterThan(0)
      const loc = res.locations[0].physicalLocation
      expect(loc.artifactLocation.uri).not.toMatch(/^\//)
      if (loc.region) expect(loc.region.startLine).toBeGreaterThanOrEqual(1)
    }
    const bin = results.find((x: {ruleId: string}) => x.ruleId === 'exports/unreadable-file')
    expect(bin.locations[0].physicalLocation.region.startLine).toBe(3)
    expect(bin.locations[0].physicalLocation.artifactLocation.uri).toMatch(/garbage\/exports\/service\.template$/)
  })

  it('writes one GitHub Actions workflow command per finding', () => {
    const r = runCli(['lint', '--format', 'github', garbage, badToml])
    expect(r.status).toBe(3)
    const out = lines(r.stdout)
    expect(out.length).toBeGreaterThanOrEqual(2)
    for (const l of out) expect(l).toMatch(/^::(error|warning|notice) file=[^,:]+(,line=\d+)?(,col=\d+)?,title=[^,:]+::\S/)
    expect(out).toEqual(expect.arrayContaining([expect.stringMatching(/^::error file=.*garbage\/exports\/service\.template,line=3,title=exports\/unreadable-file::binary data/)]))
    expect(runCli(['lint', '--format', 'github', clean]).stdout).not.toMatch(/^::(error|warning)/m)
  })

  it('lists the rules with --rules', () => {
    const r = runCli(['lint', '--rules', '--json'])
    expect(r.status).toBe(0)
    const ids = JSON.parse(r.stdout).rules.map((x: {id: string}) => x.id)
    for (const rule of RULES) expect(ids).toContain(rule.id)
    expect(runCli(['lint', '--rules']).stdout).toContain(RULES[0]!.id)
  })
})

describe('docs/lint-rules.md generator', () => {
  it('lists every rule, and --check detects drift', () => {
    const out = join(work, 'lint-rules.md')
    const gen = spawnSync('node', ['scripts/gen-lint-docs.mjs', '--out', out], {cwd: ROOT, encoding: 'utf8'})
    expect(gen.status).toBe(0)
    const text = readFileSync(out, 'utf8')
    for (const rule of RULES) expect(text).toContain(`| \`${rule.id}\` | ${rule.severity} |`)
    expect(spawnSync('node', ['scripts/gen-lint-docs.mjs', '--check', '--out', out], {cwd: ROOT}).status).toBe(0)
    writeFileSync(out, text.replace(RULES[0]!.id, 'renamed/rule'))
    const drift = spawnSync('node', ['scripts/gen-lint-docs.mjs', '--check', '--out', out], {cwd: ROOT, encoding: 'utf8'})
    expect(drift.status).toBe(1)
    expect(drift.stderr).toContain('out of date')
  })
})

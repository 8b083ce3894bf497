/**
 * `sysbuild init` through the compiled CLI: exit codes, --json, what lands on disk (modes
 * included), the refusal to write into a non-empty directory, every scaffold passing
 * `sysbuild lint --strict`, and examples/hello-world staying the output of `init hello-world`.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {SCAFFOLD_TEMPLATES} from '../../src/exports/index.js'
import {buildCli, hasStackTrace, ROOT, runCli} from './run-cli.js'

let work: string
beforeAll(() => {
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-init-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

interface Entry {
  readonly type: 'file' | 'dir'
  readonly mode: number
  readonly content?: Buffer
}

/** Every entry under dir: regular files with bytes and permission bits, directories with their bits. */
function tree(dir: string, rel = ''): Map<string, Entry> {
  const out = new Map<string, Entry>()
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const p = rel ? `${rel}/${name}` : name
    const st = lstatSync(join(dir, p))
    if (st.isDirectory()) {
      out.set(p, {type: 'dir', mode: st.mode & 0o7777})
      for (const [k, v] of tree(dir, p)) out.set(k, v)
    } else if (st.isFile()) out.set(p, {type: 'file', mode: st.mode & 0o7777, content: readFileSync(join(dir, p))})
    else throw new Error(`unexpected file type at ${p}`)
  }
  return out
}

describe('sysbuild init', () => {
  it('writes ./hello-world by default, with the hello-world template', () => {
    const cwd = join(work, 'default')
    mkdirSync(cwd)
    const r = runCli(['init', 'hello-world'], {cwd})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('SYSBUILD_')
    expect(r.stdout).toContain('from the hello-world template')
    const t = tree(join(cwd, 'hello-world'))
    expect(t.get('exports/hostfs')).toEqual({type: 'dir', mode: expect.any(Number)})
    expect(t.get('rootfs/usr/bin/run.sh')?.mode).toBe(0o755)
    expect(t.get('sysbuild.toml')?.mode).toBe(0o644)
    for (const [p, e] of t) if (e.type === 'file') expect(e.content!.at(-1), p).toBe(0x0a)
  })

  it('returns {dir, template, files} with --json', () => {
    const r = runCli(['init', 'example/svc', '--template', 'service', '--dir', 'svc-json', '--json'], {cwd: work})
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(Object.keys(out).sort()).toEqual(['dir', 'files', 'template'])
    expect(out.dir).toBe(join(work, 'svc-json'))
    expect(out.template).toBe('service')
    const onDisk = [...tree(out.dir)].filter(([, e]) => e.type === 'file').map(([p]) => p)
    expect(out.files).toEqual(onDisk.sort())
  })

  it('refuses a non-empty directory without --force, and keeps other files with --force', () => {
    const dir = join(work, 'busy')
    mkdirSync(dir)
    writeFileSync(join(dir, 'notes.txt'), 'mine\n')
    const refused = runCli(['init', 'busy'], {cwd: work})
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('SYSBUILD_INIT_TARGET_NOT_EMPTY')
    expect(refused.stderr).toContain('--force')
    expect(hasStackTrace(refused.stderr)).toBe(false)
    expect(readdirSync(dir)).toEqual(['notes.txt'])
    const json = runCli(['init', 'busy', '--json'], {cwd: work})
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout).error.code).toBe('SYSBUILD_INIT_TARGET_NOT_EMPTY')

    writeFileSync(join(dir, 'sysbuild.toml'), 'stale = true\n')
    const forced = runCli(['init', 'busy', '--force'], {cwd: work})
    expect(forced.status).toBe(0)
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n')
    expect(readFileSync(join(dir, 'sysbuild.toml'), 'utf8')).toContain('name = "busy"')
  })

  it('refuses a target that is a file', () => {
    writeFileSync(join(work, 'plainfile'), 'x')
    const r = runCli(['init', 'plainfile', '--force'], {cwd: work})
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('not a directory')
  })

  it.each([
    [['init', 'x', '--template', 'nope'], 2, 'SYSBUILD_INIT_UNKNOWN_TEMPLATE'],
    [['init', 'Upper'], 2, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [['init', 'x', '--default', 'novalue'], 2, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [['init', 'x', '--default', 'DESTDIR=/x'], 2, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
  ])('%j exits %i with %s and no stack trace', (args, status, code) => {
    const r = runCli(args, {cwd: work})
    expect(r.status).toBe(status)
    expect(r.stderr).toContain(code)
    expect(hasStackTrace(r.stderr + r.stdout)).toBe(false)
    const j = runCli([...args, '--json'], {cwd: work})
    expect(j.status).toBe(status)
    expect(JSON.parse(j.stdout).error.code).toBe(code)
  })

  it('needs a NAME (usage error)', () => {
    const r = runCli(['init'], {cwd: work})
    expect(r.status).toBe(2)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })

  // Infos (e.g. which unit mode install will use) are notes, not problems: --strict leaves them alone.
  it.each(SCAFFOLD_TEMPLATES.map((t) => [t]))('scaffold %s passes sysbuild lint --strict without errors or warnings', (template) => {
    const dir = join(work, `lint-${template}`)
    expect(runCli(['init', `lint-${template}`, '--template', template, '--dir', dir]).status).toBe(0)
    const text = runCli(['lint', '--strict', dir])
    expect(text.stdout).toMatch(/(^|\n)0 errors, 0 warnings(, \d+ infos?)?\n$/)
    expect(text.status).toBe(0)
    const report = JSON.parse(runCli(['lint', '--strict', '--json', dir]).stdout)
    expect(report.findings.filter((f: {severity: string}) => f.severity !== 'info')).toEqual([])
  })

  it('keeps examples/hello-world equal to the output of `sysbuild init hello-world` (bytes and modes)', () => {
    const cwd = join(work, 'example-check')
    mkdirSync(cwd)
    expect(runCli(['init', 'hello-world'], {cwd}).status).toBe(0)
    const fresh = tree(join(cwd, 'hello-world'))
    const example = tree(join(ROOT, 'examples', 'hello-world'))
    // git stores no empty directories, so a checkout may lack exports/hostfs/ (and only that one).
    const emptyDirs = [...fresh].filter(([p, e]) => e.type === 'dir' && ![...fresh.keys()].some((k) => k.startsWith(`${p}/`))).map(([p]) => p)
    expect(emptyDirs).toEqual(['exports/hostfs'])
    for (const p of emptyDirs) if (!example.has(p)) fresh.delete(p)
    const files = (t: Map<string, Entry>) => new Map([...t].filter(([, e]) => e.type === 'file'))
    expect([...example.keys()].sort()).toEqual([...fresh.keys()].sort())
    for (const [p, e] of files(fresh)) {
      const x = example.get(p)!
      expect(x.mode, `${p} mode`).toBe(e.mode)
      expect(x.content!.equals(e.content!), `${p} differs: run \`cd examples && rm -rf hello-world && sysbuild init hello-world\``).toBe(true)
    }
  })
})

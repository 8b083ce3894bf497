/**
 * oclif.manifest.json (bin/manifest.js): written when missing, used when it matches the compiled commands,
 * replaced when stale, and the CLI answers the same with or without it. Runs in a private copy of the package
 * root (bin/ and package.json copied, dist/ and node_modules/ linked) so the repository's manifest is untouched.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, ROOT} from './run-cli.js'

let root: string
const manifestFile = (): string => join(root, 'oclif.manifest.json')
const run = (...args: string[]) => spawnSync('node', [join(root, 'bin', 'run.js'), ...args], {cwd: root, encoding: 'utf8'})
const readManifest = () => JSON.parse(readFileSync(manifestFile(), 'utf8')) as {commands: Record<string, {summary?: string}>; sysbuild: {commands: string}}

beforeAll(() => {
  buildCli()
  root = mkdtempSync(join(tmpdir(), 'sb-manifest-'))
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), {recursive: true})
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'))
  symlinkSync(join(ROOT, 'dist'), join(root, 'dist'))
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'))
}, 300_000)
afterAll(() => rmSync(root, {recursive: true, force: true}))

/** Command ids from the compiled files (what oclif's pattern discovery finds). */
function commandIds(): string[] {
  const dir = join(ROOT, 'dist', 'commands')
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((f) => f.endsWith('.js') && !f.startsWith('_shared'))
    .map((f) => f.slice(0, -3).replace(/\/index$/, '').split('/').join(':'))
    .sort()
}

describe('oclif.manifest.json', () => {
  it('is written on the first run, lists every command, and the CLI answers the same with it', () => {
    expect(existsSync(manifestFile())).toBe(false)
    const first = run('--help')
    expect(first.status).toBe(0)
    const m = readManifest()
    expect(Object.keys(m.commands).sort()).toEqual(commandIds())
    expect(m.sysbuild.commands).toMatch(/^[a-f0-9]{64}$/)
    const second = run('--help')
    expect(second.stdout).toBe(first.stdout)
    for (const id of ['lint', 'build']) {
      rmSync(manifestFile())
      const without = run(id, '--help')
      const withIt = run(id, '--help')
      expect(withIt.status).toBe(0)
      expect(withIt.stdout).toBe(without.stdout)
    }
  })

  it('is what help reads when its fingerprint matches, and is replaced when it does not', () => {
    run('--version')
    const m = readManifest()
    writeFileSync(manifestFile(), JSON.stringify({...m, commands: {...m.commands, lint: {...m.commands.lint, summary: 'FROM THE MANIFEST'}}}))
    expect(run('--help').stdout).toContain('FROM THE MANIFEST')
    // The same manifest with another fingerprint is stale: ignored, then rewritten from the commands themselves.
    writeFileSync(manifestFile(), JSON.stringify({...m, commands: {lint: {...m.commands.lint, summary: 'FROM THE MANIFEST'}}, sysbuild: {commands: 'stale'}}))
    const r = run('--help')
    expect(r.status).toBe(0)
    expect(r.stdout).not.toContain('FROM THE MANIFEST')
    expect(r.stdout).toContain('build')
    expect(readManifest()).toEqual(m)
  })
})

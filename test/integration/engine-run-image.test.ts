/**
 * `sysbuild run IMAGE [CMD…]` (atomic-semantics.md §18): an image reference runs once in
 * the foreground as run-once-<pid> — its output on our stdout, its exit status ours — and
 * leaves nothing: no runc state (runc list), no temp dir, no deployment, unit or staging.
 * Real runc on images built by umoci; the compiled CLI as a user runs it.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, treeSnapshot, umociImage} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
let tmp: string
let image: string

beforeAll(() => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'sysbuild-run-image-'))
  root = join(work, 'root')
  tmp = join(work, 'tmp')
  for (const d of [root, tmp]) mkdirSync(d, {recursive: true})
  image = umociImage(work, join(work, 'oci'), 'tools', {cmd: ['/bin/sh', '-c', 'echo default command ran; exit 3']})
  buildCli()
})
afterAll(() => {
  if (!skip) rmSync(work, {recursive: true, force: true})
})

const runcIds = (): string[] => {
  const r = spawnSync('runc', ['--root', join(root, 'run/sysbuild/runc'), 'list', '-q'], {encoding: 'utf8'})
  return r.stdout.split('\n').filter(Boolean)
}
/** What a run may leave: the store and the extracted-layer cache (caches), nothing else. */
const hostState = () => treeSnapshot(root, (rel) => /^var\/lib\/containers\/(sysbuild|atomic\/\.sysbuild\/layers)(\/|$)/.test(rel))
const run = (args: string[]) => runCli(['run', '--root', root, ...args], {env: {TMPDIR: tmp}})

describe.skipIf(skip)(title('sysbuild run IMAGE: run once, nothing left behind'), () => {
  it('runs the command given, prints its output and exits with its status', () => {
    const before = hostState()
    const r = run([image, '--', '/bin/sh', '-c', 'echo "hello from $(hostname)"; echo to-stderr >&2; exit 7'])
    expect(r.stderr).toContain('to-stderr')
    expect(hasStackTrace(r.stderr)).toBe(false)
    expect(r.stdout).toContain('hello from ')
    expect(r.status).toBe(7)
    expect(runcIds()).toEqual([])
    expect(readdirSync(tmp)).toEqual([])
    const after = hostState()
    expect(Object.keys(after).filter((k) => /run-once|\.service$|\.conf$/.test(k))).toEqual([])
    expect(readdirSync(join(root, 'var/lib/containers/atomic')).filter((e) => !e.startsWith('.'))).toEqual([])
    expect(Object.keys(after).filter((k) => k.includes('.sysbuild/staging/') )).toEqual([])
    expect(Object.keys(before).every((k) => k in after)).toBe(true)
  })

  it('without a command runs the image\'s own command; exit 0 propagates too', () => {
    const r = run([image])
    expect(r.stdout, r.stderr).toContain('default command ran')
    expect(r.status).toBe(3)
    const ok = run([image, '--', '/bin/true'])
    expect(ok.status, ok.stderr).toBe(0)
    expect(runcIds()).toEqual([])
    expect(readdirSync(tmp)).toEqual([])
  })

  it('a container name is still a container; an unknown image is a clear error', () => {
    const missing = run([`${image.replace(/:tools$/, ':nope')}`, '--', '/bin/true'])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/Image oci-layout:.*:nope not found/)
    expect(hasStackTrace(missing.stderr)).toBe(false)
    const notInstalled = run(['nothere', '--', '/bin/true'])
    expect(notInstalled.status).toBe(1)
    expect(notInstalled.stderr).toContain("System container 'nothere' is not installed")
  })
})

/**
 * `sysbuild run IMAGE --set NAME=VALUE [-- CMD…]`: the values render the image's templates as install renders
 * them (split at the first `=`, forced variables stay sysbuild's with a warning, a malformed item is a usage
 * error), and `--set` is refused for an installed container, which keeps its own values. The hello-world image
 * comes from `sysbuild init` + `sysbuild build` into the store of a scratch --root; real runc runs it, and the
 * oracle is the environment and host name the container's own busybox shell prints (config.json.template puts
 * `RECEIVER=$RECEIVER`, `PORT=$PORT` in process.env and `${NAME}` in hostname).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
let tmp: string
const IMAGE = 'hello-world:latest'
const SHOW = ['--', '/bin/busybox', 'sh', '-c', 'echo "receiver=[$RECEIVER] port=[$PORT] host=[$(/bin/busybox hostname)]"']

beforeAll(() => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-run-set-'))
  root = join(work, 'root')
  tmp = join(work, 'tmp')
  for (const d of [root, tmp, join(root, 'run'), join(root, 'etc/tmpfiles.d')]) mkdirSync(d, {recursive: true})
  const project = join(work, 'hello-world')
  const init = runCli(['init', 'hello-world', '--dir', project])
  expect(init.status, init.stderr).toBe(0)
  const built = runCli(['build', project, '--root', root])
  expect(built.status, built.stderr).toBe(0)
})
afterAll(() => {
  if (!skip) rmSync(work, {recursive: true, force: true})
})

const run = (args: string[]) => runCli(['run', '--root', root, ...args], {env: {TMPDIR: tmp}})
const runcIds = (): string[] =>
  spawnSync('runc', ['--root', join(root, 'run/sysbuild/runc'), 'list', '-q'], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean)

describe.skipIf(skip)(title('sysbuild run IMAGE --set: values reach the rendered config.json'), () => {
  it('without --set the manifest defaults are used; --set replaces them, split at the first "="', () => {
    const plain = run([IMAGE, ...SHOW])
    expect(plain.status, plain.stderr).toBe(0)
    expect(plain.stdout).toMatch(/^receiver=\[World\] port=\[8081\] host=\[run-once-\d+\]$/m)
    const set = run(['--set', 'RECEIVER=Mars=4th planet', '--set', 'PORT=9', IMAGE, ...SHOW])
    expect(set.status, set.stderr).toBe(0)
    expect(set.stdout).toMatch(/^receiver=\[Mars=4th planet\] port=\[9\] host=\[run-once-\d+\]$/m)
    expect(hasStackTrace(set.stderr)).toBe(false)
    expect(runcIds()).toEqual([])
    expect(readdirSync(tmp)).toEqual([])
  })

  it('a forced variable stays sysbuild\'s, with a warning, as install does', () => {
    const r = run(['--set', 'NAME=intruder', '--set', 'RECEIVER=Venus', IMAGE, ...SHOW])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^receiver=\[Venus\] port=\[8081\] host=\[run-once-\d+\]$/m)
    expect(r.stderr).toContain('NAME is set by sysbuild and cannot be changed with --set')
  })

  it('a malformed --set is a usage error (exit 2) before anything runs; a container refuses --set', () => {
    const bad = run(['--set', 'RECEIVER', IMAGE, ...SHOW])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("Invalid value 'RECEIVER'.  Expected form NAME=VALUE")
    expect(bad.stdout).not.toContain('receiver=')
    expect(hasStackTrace(bad.stderr)).toBe(false)
    const container = run(['--set', 'RECEIVER=x', 'hello', '--', '/bin/true'])
    expect(container.status).toBe(2)
    expect(container.stderr.replace(/\s*›\s+/g, ' ')).toContain("--set applies to an image run once, not to the installed container 'hello'")
    expect(container.stderr).toContain('SYSBUILD_USAGE_INVALID_ARGUMENT')
    expect(hasStackTrace(container.stderr)).toBe(false)
    expect(runcIds()).toEqual([])
    expect(readdirSync(tmp)).toEqual([])
  })
})

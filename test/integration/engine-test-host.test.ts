/**
 * End to end under a real systemd (environment.md §8.1): a throw-away host with systemd
 * as PID 1 runs inside runc. (1) sysbuild installs into its root from outside
 * (--root: files and enablement only); the host's own systemctl starts the unit, which
 * runs the container with runc, and stops it. (2) sysbuild runs inside the host, where
 * systemd is PID 1: install reloads, creates the tmpfiles entries and enables the unit
 * itself, EXEC_START carries --systemd-cgroup, start/stop/status go through systemctl.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, ROOT, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, sleep} from '../kit/engine-images.js'
import {startTestHost, testHostBlocker, type TestHost} from '../kit/test-host.js'

const blockers = engineTestBlockers(['systemctl'])
const th = testHostBlocker()
if (th) blockers.push(th)
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let host: TestHost
const inside = (...args: string[]) => host.exec(args)
const sysbuild = (...args: string[]) => host.exec(['node', join(ROOT, 'bin/run.js'), ...args], {HOME: '/root'})
async function fetchInside(port: number): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const r = inside('busybox', 'wget', '-qO-', `http://127.0.0.1:${port}/`)
    if (r.status === 0) return r.stdout
    await sleep(200)
  }
  return undefined
}

beforeAll(async () => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-test-host-'))
  host = await startTestHost(join(work, 'host'), {readOnlyBinds: [ROOT]})
  const project = join(work, 'hello-world')
  expect(runCli(['init', 'hello-world', '--dir', project]).status).toBe(0)
  const b = runCli(['build', project, '--root', host.rootfs])
  expect(b.status, b.stderr).toBe(0)
}, 180_000)

afterAll(async () => {
  if (skip) return
  await host?.stop()
  rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('engine: a real systemd runs what sysbuild installed'), () => {
  it('installed from outside with --root: the host’s systemctl starts and stops the container', async () => {
    const r = runCli(['install', '--root', host.rootfs, '--name', 'hello-a', '--set', 'PORT=127.0.0.1:8081', '--set', 'RECEIVER=Outside', 'hello-world'])
    expect(r.status, r.stderr).toBe(0)
    // What the host does at boot for a unit installed offline: tmpfiles, daemon-reload.
    expect(inside('systemd-tmpfiles', '--create', '/etc/tmpfiles.d/hello-a.conf').status).toBe(0)
    expect(inside('systemctl', 'daemon-reload').status).toBe(0)
    expect(inside('systemctl', 'is-enabled', 'hello-a').stdout.trim()).toBe('enabled')
    const start = inside('systemctl', 'start', 'hello-a')
    expect(start.status, start.stderr + host.log().slice(-2000)).toBe(0)
    expect(inside('systemctl', 'is-active', 'hello-a').stdout.trim()).toBe('active')
    expect(await fetchInside(8081)).toBe('Hello Outside from sysbuild hello-a!\n')
    expect(inside('systemctl', 'stop', 'hello-a').status).toBe(0)
    // Stopped. (`failed` happens too: systemd also sends SIGTERM to the container's httpd, and the
    // scaffold's run.sh then exits 1 from `kill` under `set -e` — the image's business, not the install's.)
    expect(inside('systemctl', 'is-active', 'hello-a').stdout.trim(), inside('journalctl', '-u', 'hello-a', '--no-pager').stdout).toBe('inactive')
    expect(inside('runc', 'list', '-q').stdout.trim()).toBe('')
    expect(runCli(['uninstall', '--root', host.rootfs, 'hello-a']).status).toBe(0)
  })

  it('sysbuild inside the host: systemctl for everything, --systemd-cgroup in the unit', async () => {
    const r = sysbuild('install', 'hello-world', '--name', 'hello-b', '--set', 'PORT=127.0.0.1:8082', '--set', 'RECEIVER=Inside')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      'Extracting to /var/lib/containers/atomic/hello-b.0',
      'systemctl daemon-reload',
      'systemd-tmpfiles --create /etc/tmpfiles.d/hello-b.conf',
      'systemctl enable hello-b',
      '',
    ])
    const unit = readFileSync(join(host.rootfs, 'etc/systemd/system/hello-b.service'), 'utf8')
    expect(unit).toMatch(/^ExecStart=\S+runc --systemd-cgroup run 'hello-b'$/m)
    expect(inside('systemctl', 'is-enabled', 'hello-b').stdout.trim()).toBe('enabled')
    const start = sysbuild('start', 'hello-b')
    expect(start.status, start.stderr).toBe(0)
    expect(start.stdout).toContain('systemctl start hello-b')
    expect(await fetchInside(8082)).toBe('Hello Inside from sysbuild hello-b!\n')
    expect(JSON.parse(sysbuild('status', 'hello-b', '--json').stdout)).toMatchObject({state: 'running', manager: 'systemd'})
    const list = JSON.parse(sysbuild('containers', '--json').stdout)
    expect(list).toEqual([expect.objectContaining({name: 'hello-b', state: 'running'})])
    expect(sysbuild('stop', 'hello-b').status).toBe(0)
    expect(inside('systemctl', 'is-active', 'hello-b').stdout.trim()).toBe('inactive')
    const un = sysbuild('uninstall', 'hello-b')
    expect(un.status, un.stderr).toBe(0)
    expect(un.stdout).toContain('systemctl disable --now hello-b')
    expect(inside('systemctl', 'is-enabled', 'hello-b').status).not.toBe(0)
  })
})

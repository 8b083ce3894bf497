/**
 * The first vertical slice with real tools: the hello-world scaffold, built into an OCI
 * layout by umoci, installed into a scratch --root, started with real runc (private
 * state dir under the root), greeting fetched on 127.0.0.1, stopped, uninstalled.
 * Oracles: HTTP from the container, `systemctl --root is-enabled`, `systemd-analyze
 * verify`, `runc state`, and a find(1) snapshot of the root before and after.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {initProject} from '../../src/exports/index.js'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, httpGet, treeSnapshot, umociImage, until} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles', 'systemd-analyze'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
let image: string
let port: number
const NAME = 'hello'
const runcRoot = () => join(root, 'run/sysbuild/runc')
const cli = (...args: string[]) => runCli([...args, '--root', root])

beforeAll(async () => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-hello-'))
  root = join(work, 'root')
  // What a real host already has.
  for (const d of ['etc/systemd/system', 'etc/tmpfiles.d', 'var/lib/containers/atomic', 'run']) mkdirSync(join(root, d), {recursive: true})
  const project = join(work, 'project')
  await initProject({name: 'hello-world', template: 'hello-world', dir: project})
  image = umociImage(work, join(work, 'oci'), 'v1', {
    trees: {[join(project, 'rootfs/usr')]: 'usr', [join(project, 'exports')]: 'exports'},
    labels: {'atomic.type': 'system'},
  })
  port = await freePort()
})

afterAll(() => {
  if (skip) return
  // Containers this test may have left: only in its private runc state dir.
  const list = spawnSync('runc', ['--root', runcRoot(), 'list', '-q'], {encoding: 'utf8'})
  for (const id of list.stdout?.split('\n').filter(Boolean) ?? []) spawnSync('runc', ['--root', runcRoot(), 'delete', '-f', id])
  rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('engine: hello-world install → start → curl → stop → uninstall (real runc)'), () => {
  let before: Record<string, string>

  it('--dry-run prints every file with its content and changes nothing', () => {
    before = treeSnapshot(root)
    const r = cli('install', '--dry-run', '--name', NAME, '--set', `PORT=127.0.0.1:${port}`, '--set', 'RECEIVER=Zanzibar', image)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    for (const f of ['/var/lib/containers/atomic/hello.0/config.json', '/etc/systemd/system/hello.service', '/etc/tmpfiles.d/hello.conf', '/var/lib/containers/atomic/hello.0/info']) {
      expect(r.stdout).toContain(`=== ${f}`)
    }
    expect(r.stdout).toContain('"RECEIVER=Zanzibar"')
    expect(r.stdout).toContain(`ExecStart=/usr/sbin/runc run 'hello'`.replace('/usr/sbin/runc', JSON.parse(JSON.stringify(spawnSync('sh', ['-c', 'command -v runc'], {encoding: 'utf8'}).stdout.trim()))))
    expect(r.stdout).toContain(`systemctl --root=${root} enable hello`)
    expect(treeSnapshot(root)).toEqual(before)
  })

  it('install writes deployment, link, unit and tmpfiles conf, enabled as systemctl sees it', () => {
    const r = cli('install', '--name', NAME, '--set', `PORT=127.0.0.1:${port}`, '--set', 'RECEIVER=Zanzibar', image)
    expect(hasStackTrace(r.stderr)).toBe(false)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      'Extracting to /var/lib/containers/atomic/hello.0',
      `systemd-tmpfiles --create --root=${root} ${root}/etc/tmpfiles.d/hello.conf`,
      `systemctl --root=${root} enable hello`,
      '',
    ])
    const ckout = join(root, 'var/lib/containers/atomic')
    expect(readlinkSync(join(ckout, NAME))).toBe('/var/lib/containers/atomic/hello.0')
    for (const f of ['rootfs/usr/bin/run.sh', 'config.json', 'info', 'hello.service', 'tmpfiles-hello.conf']) expect(existsSync(join(ckout, 'hello.0', f))).toBe(true)
    const unit = readFileSync(join(root, 'etc/systemd/system/hello.service'), 'utf8')
    expect(readFileSync(join(ckout, 'hello.0/hello.service'), 'utf8')).toBe(unit)
    expect(unit).toMatch(/^ExecStart=\/\S+runc run 'hello'$/m)
    expect(unit).toContain('WorkingDirectory=/var/lib/containers/atomic/hello.0\n')
    // systemd's own tools agree: the unit parses, and it is enabled in the root.
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', join(root, 'etc/systemd/system/hello.service')], {encoding: 'utf8'})
    expect(verify.status, verify.stderr).toBe(0)
    expect(spawnSync('systemctl', [`--root=${root}`, 'is-enabled', NAME], {encoding: 'utf8'}).stdout.trim()).toBe('enabled')
    // tmpfiles --create made the bind-mount source under the root.
    expect(existsSync(join(root, 'run/hello'))).toBe(true)
    const info = JSON.parse(readFileSync(join(ckout, 'hello.0/info'), 'utf8'))
    expect(info.values.RECEIVER).toBe('Zanzibar')
    expect(info.sysbuild.sources.RECEIVER).toBe('set')
    expect(info.sysbuild.sources.PORT).toBe('set')
    expect(info['has-container-service']).toBe(true)
  })

  it('a second install of the same name says it is present and changes nothing', () => {
    const snap = treeSnapshot(root)
    const r = cli('install', '--name', NAME, image)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('hello already present')
    expect(treeSnapshot(root)).toEqual(snap)
  })

  it('start runs it with runc; the greeting names the --set word; stop ends it', async () => {
    const r = cli('start', NAME)
    expect(r.status, r.stderr).toBe(0)
    const body = await until(() => httpGet(`http://127.0.0.1:${port}/`))
    expect(body).toBe('Hello Zanzibar from sysbuild hello!\n')
    const state = JSON.parse(spawnSync('runc', ['--root', runcRoot(), 'state', NAME], {encoding: 'utf8'}).stdout)
    expect(state.status).toBe('running')
    expect(Number(readFileSync(join(root, 'run/sysbuild/hello/pid'), 'utf8'))).toBe(state.pid)
    expect(JSON.parse(cli('status', NAME, '--json').stdout)).toMatchObject({name: NAME, state: 'running', pid: state.pid, manager: 'sysbuild'})
    const stop = cli('stop', NAME)
    expect(stop.status, stop.stderr).toBe(0)
    expect(spawnSync('runc', ['--root', runcRoot(), 'state', NAME]).status).not.toBe(0)
    expect(JSON.parse(cli('status', NAME, '--json').stdout).state).toBe('stopped')
    expect(await httpGet(`http://127.0.0.1:${port}/`)).toBeUndefined()
  })

  it('uninstall leaves the root as it was (the tmpfiles run dir aside)', () => {
    const r = cli('uninstall', NAME)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(`systemctl --root=${root} disable hello`)
    const after = treeSnapshot(root)
    // systemd-tmpfiles --remove keeps `d` directories (atomic ran the same command); /run is volatile.
    const volatile = (p: string): boolean => p === 'run/hello' || p.startsWith('run/hello/')
    const hidden = (p: string): boolean => p.startsWith('var/lib/containers/atomic/.sysbuild')
    const strip = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([p]) => !volatile(p) && !hidden(p)))
    expect(strip(after)).toEqual(strip(before))
    const again = cli('uninstall', NAME)
    expect(again.status).toBe(1)
    expect(again.stderr).toContain("The container 'hello' doesn't exist")
    expect(hasStackTrace(again.stderr)).toBe(false)
  })
})

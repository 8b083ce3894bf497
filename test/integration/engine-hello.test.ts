/**
 * The issue's main scenario with real tools: `sysbuild init` + `sysbuild build` make the
 * hello-world image in the store of a scratch --root; install with --set PORT and
 * RECEIVER, start with real runc (private state dir under the root), fetch the greeting
 * on 127.0.0.1, stop; update to a second version and roll back; uninstall and prune
 * leave the root as it was. Oracles: HTTP from the container, `systemctl --root
 * is-enabled`, `systemd-analyze verify`, `runc state`, a snapshot of the root.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, httpGet, treeSnapshot, until} from '../kit/engine-images.js'
import {toolSkipReason} from '../kit/tools.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles', 'systemd-analyze'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)
/** Version 1's run.sh carries a file capability (setcap), which the build carries and install must keep (getcap). */
const noCaps = skip ? 'skipped' : toolSkipReason('setcap', 'getcap', 'getfattr', 'setfattr')

let work: string
let root: string
let image: string
let port: number
const NAME = 'hello'
const runcRoot = () => join(root, 'run/sysbuild/runc')
/** The CLI with --root, placed before a `--` (after it everything is the container's command). */
const cli = (...args: string[]) => {
  const dd = args.indexOf('--')
  return runCli(dd === -1 ? [...args, '--root', root] : [...args.slice(0, dd), '--root', root, ...args.slice(dd)])
}

beforeAll(async () => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-hello-'))
  root = join(work, 'root')
  // What a real host already has.
  for (const d of ['etc/systemd/system', 'etc/tmpfiles.d', 'var/lib/containers/atomic', 'run']) mkdirSync(join(root, d), {recursive: true})
  const project = join(work, 'hello-world')
  expect(runCli(['init', 'hello-world', '--dir', project]).status).toBe(0)
  if (!noCaps) expect(spawnSync('setcap', ['cap_net_bind_service=ep', join(project, 'rootfs/usr/bin/run.sh')]).status).toBe(0)
  const b1 = runCli(['build', project, '--root', root])
  expect(b1.status, b1.stderr).toBe(0)
  image = 'hello-world'
  // Version 2 says Howdy.
  const run = join(project, 'rootfs/usr/bin/run.sh')
  writeFileSync(run, readFileSync(run, 'utf8').replace("'Hello %s", "'Howdy %s"))
  const b2 = runCli(['build', project, '--root', root, '--tag', 'hello-world:2'])
  expect(b2.status, b2.stderr).toBe(0)
  // Version 3 is broken: it exits at once.
  writeFileSync(run, '#!/bin/busybox sh\necho "version 3 cannot start" >&2\nexit 3\n')
  const b3 = runCli(['build', project, '--root', root, '--tag', 'hello-world:3'])
  expect(b3.status, b3.stderr).toBe(0)
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
    expect(r.stdout).toMatch(/^ExecStart=\/\S+\/runc run 'hello'$/m)
    expect(r.stdout).toContain(`systemctl --root=${root} enable hello`)
    expect(treeSnapshot(root)).toEqual(before)
  })

  it('install writes deployment, link, unit and tmpfiles conf, enabled as systemctl sees it', () => {
    const r = cli('install', '--name', NAME, '--set', `PORT=127.0.0.1:${port}`, '--set', 'RECEIVER=Zanzibar', image)
    expect(hasStackTrace(r.stderr)).toBe(false)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      `Extracting to ${root}/var/lib/containers/atomic/hello.0`,
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

  it.skipIf(noCaps !== undefined)(`the deployment keeps the file capability of the image${noCaps ? ` (skipped: ${noCaps})` : ''}`, () => {
    const run = join(root, 'var/lib/containers/atomic/hello.0/rootfs/usr/bin/run.sh')
    expect(spawnSync('getcap', [run], {encoding: 'utf8'}).stdout).toContain('cap_net_bind_service=ep')
  })

  it('a second install of the same name says it is present and changes nothing', () => {
    const snap = treeSnapshot(root)
    const r = cli('install', '--name', NAME, image)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('hello already present')
    expect(treeSnapshot(root)).toEqual(snap)
  })

  it('prune while installed keeps the extracted layers the deployment uses, and removes an older cache format', () => {
    const layers = join(root, 'var/lib/containers/atomic/.sysbuild/layers')
    const used: string[] = JSON.parse(readFileSync(join(root, 'var/lib/containers/atomic/hello.0/info'), 'utf8')).sysbuild.layers
    mkdirSync(join(layers, 'v2', '0'.repeat(64)), {recursive: true})
    const r = cli('prune')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('1 extracted layer(s)')
    expect(existsSync(join(layers, 'v2'))).toBe(false)
    for (const l of used) expect(existsSync(join(layers, 'v3', l.slice(7)))).toBe(true)
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

  it('update to version 2 while running: the new greeting; rollback: the old one; values kept', async () => {
    expect(cli('start', NAME).status).toBe(0)
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe('Hello Zanzibar from sysbuild hello!\n')
    const up = cli('update', NAME, '--rebase', 'hello-world:2')
    expect(up.status, up.stderr).toBe(0)
    expect(up.stdout).toContain(`Extracting to ${root}/var/lib/containers/atomic/hello.1`)
    expect(readlinkSync(join(root, 'var/lib/containers/atomic', NAME))).toBe('/var/lib/containers/atomic/hello.1')
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe('Howdy Zanzibar from sysbuild hello!\n')
    const same = cli('update', NAME)
    expect(same.stdout).toContain('Latest version already installed.')
    const back = cli('rollback', NAME)
    expect(back.status, back.stderr).toBe(0)
    expect(back.stdout).toContain(`Rolling back container hello to the checkout at ${root}/var/lib/containers/atomic/hello.0`)
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe('Hello Zanzibar from sysbuild hello!\n')
    const list = JSON.parse(cli('containers', '--json').stdout)
    expect(list).toEqual([expect.objectContaining({name: NAME, state: 'running', image_name: 'hello-world', backend: 'sysbuild', command: '/usr/bin/run.sh'})])
    // Filters: case-insensitive substrings; nothing matching prints nothing, not even the header.
    expect(JSON.parse(cli('containers', '-f', 'image=HELLO-W', '--json').stdout)).toHaveLength(1)
    expect(cli('containers', '-a', '-f', 'state=inactive').stdout).toBe('')
    const table = cli('containers').stdout.split('\n')
    expect(table[0]).toBe('   CONTAINER ID IMAGE                NAME       COMMAND    CREATED          STATE      BACKEND    RUNTIME')
    expect(table[1]).toMatch(/^ {3}hello {8}hello-world {10}hello {6}\/usr\/bin\/r \d{4}-\d\d-\d\d \d\d:\d\d running {4}sysbuild {3}\/usr\/\S+/)
    const bad = cli('containers', '-f', 'colour=red')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('The filter colour is not valid.')
  })

  it('an update whose container does not start rolls back on its own and serves the old version again', async () => {
    const up = cli('update', NAME, '--rebase', 'hello-world:3')
    expect(up.status).toBe(1)
    expect(up.stderr).toContain('SYSBUILD_ENGINE_START_FAILED')
    expect(up.stderr).toContain('Could not restart hello.  Attempt automatic rollback')
    expect(up.stdout).toContain(`Rolling back container hello to the checkout at ${root}/var/lib/containers/atomic/hello.0`)
    expect(readlinkSync(join(root, 'var/lib/containers/atomic', NAME))).toBe('/var/lib/containers/atomic/hello.0')
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe('Hello Zanzibar from sysbuild hello!\n')
    // The broken version's output is in the log sysbuild keeps.
    expect(cli('logs', NAME).stdout).toContain('version 3 cannot start')
    expect(cli('stop', NAME).status).toBe(0)
  })

  it('run of a stopped container: a temporary container with the deployment config, the command’s exit status', () => {
    const r = cli('run', NAME, '--', 'busybox', 'sh', '-c', 'echo "$RECEIVER in a temporary container"; exit 5')
    expect(r.status).toBe(5)
    expect(r.stdout).toBe('Zanzibar in a temporary container\n')
    expect(spawnSync('runc', ['--root', runcRoot(), 'list', '-q'], {encoding: 'utf8'}).stdout.trim()).toBe('')
    expect(cli('run', NAME, '--detach', '--', 'true').stderr).toContain('Cannot use --detach with not running containers')
  })

  it('--rootfs: a second container on the first one’s filesystem, nothing extracted, nothing of it removed', async () => {
    const shared = '/var/lib/containers/atomic/hello.0/rootfs'
    const before = treeSnapshot(join(root, shared))
    const other = await freePort()
    const r = cli('install', '--name', 'hello-remote', '--rootfs', shared, '--set', `PORT=127.0.0.1:${other}`, '--set', 'RECEIVER=Remote', image)
    expect(r.status, r.stderr).toBe(0)
    const dep = join(root, 'var/lib/containers/atomic/hello-remote.0')
    expect(readlinkSync(join(dep, 'rootfs'))).toBe(shared)
    expect(JSON.parse(readFileSync(join(dep, 'config.json'), 'utf8')).root).toEqual({path: shared, readonly: true})
    expect(JSON.parse(readFileSync(join(dep, 'info'), 'utf8')).remote).toBe(shared)
    expect(cli('start', 'hello-remote').status).toBe(0)
    expect(await until(() => httpGet(`http://127.0.0.1:${other}/`))).toBe('Hello Remote from sysbuild hello-remote!\n')
    expect(cli('stop', 'hello-remote').status).toBe(0)
    expect(cli('uninstall', 'hello-remote').status).toBe(0)
    expect(treeSnapshot(join(root, shared))).toEqual(before)
  })

  it('images rm refuses an image a deployment uses', () => {
    const used = cli('images', 'rm', 'hello-world')
    expect(used.status).toBe(1)
    expect(used.stderr).toContain('SYSBUILD_ENGINE_IMAGE_IN_USE')
    expect(JSON.parse(cli('images', '--json').stdout).map((i: {ref: string}) => i.ref)).toEqual(['hello-world:latest', 'hello-world:2', 'hello-world:3'])
  })

  it('update --all: a SUMMARY row per container; atomic’s usage errors', () => {
    const all = cli('update', '--all')
    expect(all.status, all.stderr).toBe(0)
    const lines = all.stdout.trim().split('\n')
    expect(lines.slice(-3, -1)).toEqual(['SUMMARY', expect.stringMatching(/^Container\s+Image ID before update\s+Image ID after update\s+Latest image ID\s+Status$/)])
    expect(lines.at(-1)).toMatch(/^hello\s+[0-9a-f]{12}\s+[0-9a-f]{12}\s+[0-9a-f]{12}\s+Updated$/)
    const bad = cli('update', '--all', NAME)
    expect(bad.status).toBe(2)
    const flat = (t: string) => t.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ')
    expect(flat(bad.stderr)).toContain("Incompatible options specified. --all doesn't support a container name")
    expect(flat(cli('update').stderr)).toContain('Too few arguments. Please specify the container')
  })

  it('uninstall and prune leave the root as it was (the tmpfiles run dir aside)', () => {
    const r = cli('uninstall', NAME)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(`systemctl --root=${root} disable hello`)
    const images = JSON.parse(cli('images', '--json').stdout)
    expect(images.map((i: {ref: string; usedBy: string[]}) => [i.ref, i.usedBy])).toEqual([['hello-world:latest', []], ['hello-world:2', []], ['hello-world:3', []]])
    const prune = cli('prune', '--all')
    expect(prune.status, prune.stderr).toBe(0)
    expect(prune.stdout).toContain('Deleting hello-world:latest')
    const after = treeSnapshot(root)
    // systemd-tmpfiles --remove keeps `d` directories (atomic ran the same command); /run is volatile.
    const volatile = (p: string): boolean => /^run\/hello(-remote)?(\/|$)/.test(p)
    // What sysbuild keeps for itself: its (now empty) image store, and empty directories of its cache.
    const hidden = (p: string): boolean => p.startsWith('var/lib/containers/atomic/.sysbuild') || p.startsWith('var/lib/containers/sysbuild')
    expect(Object.keys(after).filter((p) => p.startsWith('var/lib/containers/atomic/.sysbuild/layers/'))).toEqual([])
    expect(Object.keys(after).filter((p) => p.startsWith('var/lib/containers/sysbuild/images/blobs/sha256/'))).toEqual([])
    const strip = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([p]) => !volatile(p) && !hidden(p)))
    expect(strip(after)).toEqual(strip(before))
    const again = cli('uninstall', NAME)
    expect(again.status).toBe(1)
    expect(again.stderr).toContain("The container 'hello' doesn't exist")
    expect(hasStackTrace(again.stderr)).toBe(false)
  })
})

/**
 * Crash safety (issue §5, D4): a failure injected right after each step of install,
 * update, rollback and uninstall (SYSBUILD_TEST_FAIL_AT, a test-only hook) leaves the
 * scratch root exactly as it was before the operation — byte for byte, host files and
 * enablement symlinks included — and a running container running its old version.
 * A real crash (SIGKILL after a step, SYSBUILD_TEST_CRASH_AT) is undone by the next
 * operation on that name. Real runc, systemctl --root and systemd-tmpfiles throughout.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {initProject} from '../../src/exports/index.js'
import {installContainer, rollbackContainer, startContainer, stopContainer, uninstallContainer, updateContainer} from '../../src/engine/index.js'
import {buildCli, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, httpGet, isSysbuildState, treeSnapshot, umociImage, until} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

const NAME = 'faulty'
let work: string
let root: string
let v1: string
let v2: string
let port: number

const hostfs = (version: string): Record<string, string> => ({
  '/exports/hostfs/etc/demo/demo.conf': `version=${version}\nreceiver=$RECEIVER\n`,
  '/exports/hostfs/usr/local/bin/democtl': `#!/bin/sh\necho democtl ${version}\n`,
  '/exports/hostfs/usr/share/demo/README': `demo ${version}\n`,
  '/exports/manifest.json': JSON.stringify({
    version: '1.0',
    defaultValues: {PORT: '8081', RECEIVER: 'World'},
    renameFiles: {'/etc/demo': '$CONF_DIRECTORY/$NAME', '/usr/local/bin/democtl': '/usr/local/bin/${NAME}ctl'},
    installedFilesTemplate: [`/etc/${NAME}/demo.conf`],
  }),
})

/** Host state: sysbuild's cache and the runner's runtime files (pid, log, runc state) are not part of it. */
const volatile = (rel: string): boolean => isSysbuildState(rel) || rel === 'run/sysbuild' || rel.startsWith('run/sysbuild/') || /rootfs\/run\/www$/.test(rel)
/** info records the install time and a fresh UUID: compare it without those. */
const state = () => {
  const snap = treeSnapshot(root, volatile)
  for (const k of Object.keys(snap)) {
    if (!k.endsWith('/info')) continue
    const info = JSON.parse(readFileSync(join(root, k), 'utf8'))
    delete info.created
    delete info.values.UUID
    snap[k] = `info ${JSON.stringify(info).length}`
  }
  return snap
}
const fault = (point: string | undefined) => {
  if (point) process.env.SYSBUILD_TEST_FAIL_AT = point
  else delete process.env.SYSBUILD_TEST_FAIL_AT
}
/** Uninstall keeps what `systemd-tmpfiles --remove` keeps (`d` directories, as atomic did); the test removes it. */
const forgetRunDir = () => rmSync(join(root, 'run', NAME), {recursive: true, force: true})
const greeting = () => until(() => httpGet(`http://127.0.0.1:${port}/`))
const runcRoot = () => join(root, 'run/sysbuild/runc')

beforeAll(async () => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-faults-'))
  root = join(work, 'root')
  for (const d of ['etc/systemd/system', 'etc/tmpfiles.d', 'var/lib/containers/atomic', 'run', 'usr/local/bin']) mkdirSync(join(root, d), {recursive: true})
  const project = join(work, 'project')
  await initProject({name: 'hello-world', template: 'hello-world', dir: project})
  const trees = {[join(project, 'rootfs/usr')]: 'usr', [join(project, 'exports')]: 'exports'}
  v1 = umociImage(work, join(work, 'oci'), 'v1', {trees, files: hostfs('1')})
  v2 = umociImage(work, join(work, 'oci'), 'v2', {trees, files: {...hostfs('2'), '/usr/bin/greeting-version': '2\n'}})
  port = await freePort()
})

afterEach(() => fault(undefined))

afterAll(() => {
  if (skip) return
  fault(undefined)
  const list = spawnSync('runc', ['--root', runcRoot(), 'list', '-q'], {encoding: 'utf8'})
  for (const id of list.stdout?.split('\n').filter(Boolean) ?? []) spawnSync('runc', ['--root', runcRoot(), 'delete', '-f', id])
  rmSync(work, {recursive: true, force: true})
})

const install = (image = v1) => installContainer({root, image, name: NAME, set: {PORT: `127.0.0.1:${port}`, RECEIVER: 'Faults'}})

async function expectEachStepUndone(op: string, steps: readonly string[], run: () => Promise<unknown>, after?: () => Promise<void>): Promise<void> {
  expect(steps.length).toBeGreaterThan(3)
  for (const step of [...steps, 'commit']) {
    const before = state()
    fault(`${op}:${step}`)
    const err = await run().then(() => undefined, (e: {code?: string}) => e)
    fault(undefined)
    expect(err?.code, `${op}:${step}`).toBe('SYSBUILD_ENGINE_FAULT_INJECTED')
    expect(state(), `state after a failure at ${op}:${step}`).toEqual(before)
    if (after) await after()
  }
}

describe.skipIf(skip)(title('engine: a failure at any step leaves the old state'), () => {
  it('install', async () => {
    const empty = state()
    const ok = await install()
    expect(ok.status).toBe('installed')
    const steps = ok.status === 'installed' ? ok.steps : []
    expect(steps).toEqual(expect.arrayContaining(['deployment', 'host-files', 'unit', 'tmpfiles', 'info', 'link', 'tmpfiles-create', 'enable']))
    const installed = state()
    expect(installed[`etc/${NAME}/demo.conf`]).toBeDefined()
    expect(installed[`usr/local/bin/${NAME}ctl`]).toBeDefined()
    expect(installed[`etc/systemd/system/multi-user.target.wants/${NAME}.service`]).toBeDefined()
    await uninstallContainer({root, name: NAME})
    forgetRunDir()
    expect(state()).toEqual(empty)
    await expectEachStepUndone('install', steps, install)
    expect(state()).toEqual(empty)
    expect((await install()).status).toBe('installed')
    expect(state()).toEqual(installed)
  })

  it('update of a running container: old files back and the old version serving again', async () => {
    await startContainer({root, name: NAME})
    expect(await greeting()).toContain('Faults')
    const probe = await updateContainer({root, name: NAME, rebase: v2})
    expect(probe.status).toBe('updated')
    const steps = probe.status === 'updated' ? probe.steps : []
    expect(steps).toEqual(expect.arrayContaining(['stop', 'old-host-files', 'deployment', 'host-files', 'link']))
    await rollbackContainer({root, name: NAME})
    // Back on v1 in slot 0; the update writes slot 1 again each time.
    await expectEachStepUndone('update', steps, () => updateContainer({root, name: NAME, rebase: v2}), async () => {
      const s = spawnSync('runc', ['--root', runcRoot(), 'state', NAME], {encoding: 'utf8'})
      expect(JSON.parse(s.stdout).status).toBe('running')
      expect(await greeting()).toContain('Faults')
    })
  })

  it('rollback', async () => {
    const up = await updateContainer({root, name: NAME, rebase: v2, set: {RECEIVER: 'Again'}})
    expect(up.status).toBe('updated')
    const probe = await rollbackContainer({root, name: NAME})
    await rollbackContainer({root, name: NAME})
    await expectEachStepUndone('rollback', probe.steps, () => rollbackContainer({root, name: NAME}))
  })

  it('uninstall', async () => {
    await stopContainer({root, name: NAME})
    const before = state()
    const probe = await uninstallContainer({root, name: NAME})
    const steps = probe.steps
    expect(steps).toEqual(expect.arrayContaining(['unit', 'tmpfiles', 'host-files', 'link', 'deployments']))
    expect(state()).not.toEqual(before)
    expect((await install()).status).toBe('installed')
    await updateContainer({root, name: NAME, rebase: v2, set: {RECEIVER: 'Again'}})
    await startContainer({root, name: NAME})
    // A failed uninstall starts the container it stopped again.
    await expectEachStepUndone('uninstall', steps, () => uninstallContainer({root, name: NAME}), async () => {
      expect(await greeting()).toContain('Again')
    })
    await uninstallContainer({root, name: NAME})
    forgetRunDir()
  })
})

describe.skipIf(skip)(title('engine: a crash (SIGKILL) mid-install is undone by the next operation'), () => {
  beforeAll(() => buildCli())

  it.each(['host-files', 'link', 'enable'])('killed after install:%s', (step) => {
    forgetRunDir()
    const empty = state()
    const args = ['install', '--root', root, '--name', NAME, '--set', `PORT=127.0.0.1:${port}`, v1]
    const crashed = runCli(args, {env: {SYSBUILD_TEST_CRASH_AT: `install:${step}`}})
    expect(crashed.status, crashed.stderr + crashed.stdout).toBe(null)
    expect(state()).not.toEqual(empty)
    // The next operation on the name finds the journal and undoes the interrupted install first.
    const again = runCli(args)
    expect(again.status, again.stderr).toBe(0)
    expect(again.stderr).toContain('Undoing an interrupted install of faulty')
    const un = runCli(['uninstall', '--root', root, NAME])
    expect(un.status, un.stderr).toBe(0)
    forgetRunDir()
    expect(state()).toEqual(empty)
  })
})

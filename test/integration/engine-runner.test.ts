/**
 * sysbuild's own runner (no systemd): a process that ignores SIGTERM is killed after the
 * timeout; a container that ends on its own shows as failed; a container that cannot
 * start is a failed start with runc's words. Real runc, private state dir.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {installContainer, startContainer, statusContainer, stopContainer, uninstallContainer, recordingReporter} from '../../src/engine/index.js'
import {engineTestBlockers, umociImage, until} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
const config = (args: string[]) => JSON.stringify({
  ociVersion: '1.0.2',
  process: {terminal: false, user: {uid: 0, gid: 0}, args, cwd: '/', env: ['PATH=/bin:/usr/bin']},
  root: {path: 'rootfs', readonly: true},
  mounts: [{destination: '/proc', type: 'proc', source: 'proc'}],
  linux: {namespaces: [{type: 'pid'}, {type: 'mount'}, {type: 'ipc'}]},
})
const image = (tag: string, args: string[]) => umociImage(work, join(work, 'oci'), tag, {files: {'/exports/config.json.template': config(args)}})

beforeAll(() => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-runner-'))
  root = join(work, 'root')
  mkdirSync(root)
})
afterAll(() => {
  if (skip) return
  const runcRoot = join(root, 'run/sysbuild/runc')
  const list = spawnSync('runc', ['--root', runcRoot, 'list', '-q'], {encoding: 'utf8'})
  for (const id of list.stdout?.split('\n').filter(Boolean) ?? []) spawnSync('runc', ['--root', runcRoot, 'delete', '-f', id])
  rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('engine: the runner sysbuild uses without systemd'), () => {
  it('SIGTERM, then SIGKILL after the timeout, for a PID 1 that ignores SIGTERM', async () => {
    await installContainer({root, name: 'stubborn', image: image('stubborn', ['/bin/busybox', 'sh', '-c', 'while true; do sleep 1; done'])})
    expect((await startContainer({root, name: 'stubborn'})).state).toBe('running')
    const reporter = recordingReporter()
    const status = await stopContainer({root, name: 'stubborn', timeoutMs: 1000, reporter})
    expect(reporter.warnings).toEqual(['stubborn did not stop within 1 s of SIGTERM: sending SIGKILL'])
    expect(status.state).toBe('stopped')
    expect(spawnSync('runc', ['--root', join(root, 'run/sysbuild/runc'), 'state', 'stubborn']).status).not.toBe(0)
    await uninstallContainer({root, name: 'stubborn'})
  })

  it('a container that ends on its own is failed until started again', async () => {
    await installContainer({root, name: 'quitter', image: image('quitter', ['/bin/busybox', 'sh', '-c', 'sleep 1; exit 0'])})
    expect((await startContainer({root, name: 'quitter'})).state).toBe('running')
    expect(await until(async () => ((await statusContainer({root, name: 'quitter'})).state === 'failed' ? true : undefined))).toBe(true)
    // start deletes the dead one and runs it again.
    expect((await startContainer({root, name: 'quitter'})).state).toBe('running')
    await stopContainer({root, name: 'quitter'})
    await uninstallContainer({root, name: 'quitter'})
  })

  it('a container that cannot start: SYSBUILD_ENGINE_START_FAILED with runc’s message', async () => {
    await installContainer({root, name: 'missing', image: image('missing', ['/no/such/program'])})
    const err = await startContainer({root, name: 'missing'}).catch((e: {code: string; message: string}) => e)
    expect(err).toMatchObject({code: 'SYSBUILD_ENGINE_START_FAILED'})
    expect((err as {message: string}).message).toContain('/no/such/program')
    expect((await statusContainer({root, name: 'missing'})).state).not.toBe('running')
    await uninstallContainer({root, name: 'missing'})
  })
})

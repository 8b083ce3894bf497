/**
 * Install pulls: an image pushed by skopeo to a real CNCF registry on 127.0.0.1 is
 * installed by reference (atomic's `http:` spelling too), lands in the local store,
 * runs with real runc and answers on loopback.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, httpGet, sh, umociImage, until} from '../kit/engine-images.js'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'

const blockers = engineTestBlockers(['skopeo', 'systemctl', 'systemd-tmpfiles'])
const regSkip = registrySkipReason('skopeo')
if (regSkip) blockers.push(regSkip)
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
let reg: TestRegistry
const cli = (...args: string[]) => runCli([...args, '--root', root])

beforeAll(async () => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-registry-'))
  root = join(work, 'root')
  mkdirSync(root)
  reg = await startRegistry()
  const project = join(work, 'hello-world')
  expect(runCli(['init', 'hello-world', '--dir', project]).status).toBe(0)
  umociImage(work, join(work, 'oci'), 'v1', {trees: {[join(project, 'rootfs/usr')]: 'usr', [join(project, 'exports')]: 'exports'}})
  sh('skopeo', ['copy', '--dest-tls-verify=false', `oci:${join(work, 'oci')}:v1`, `docker://${reg.host}/sb/hello:1`])
})

afterAll(async () => {
  if (skip) return
  const runcRoot = join(root, 'run/sysbuild/runc')
  const list = spawnSync('runc', ['--root', runcRoot, 'list', '-q'], {encoding: 'utf8'})
  for (const id of list.stdout?.split('\n').filter(Boolean) ?? []) spawnSync('runc', ['--root', runcRoot, 'delete', '-f', id])
  await reg.stop()
  rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('engine: install from a registry'), () => {
  it('pulls into the local store, installs under the default name, runs', async () => {
    const port = await freePort()
    const r = cli('install', `${reg.host}/sb/hello:1`, '--set', `PORT=127.0.0.1:${port}`, '--set', 'RECEIVER=Registry')
    expect(r.status, r.stderr).toBe(0)
    // §16: last path component, plus -<tag> when the tag is not latest.
    expect(r.stdout).toContain(`Extracting to ${root}/var/lib/containers/atomic/hello-1.0`)
    const images = JSON.parse(cli('images', '--json').stdout)
    expect(images).toEqual([expect.objectContaining({ref: `${reg.host}/sb/hello:1`, usedBy: ['hello-1']})])
    // skopeo, not sysbuild, reads what the store holds: the same manifest digest as the registry's.
    const remote = JSON.parse(sh('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/sb/hello:1`])).Digest
    expect(images[0].digest).toBe(remote)
    expect(JSON.parse(sh('skopeo', ['inspect', `oci:${join(root, 'var/lib/containers/sysbuild/images')}:${reg.host}/sb/hello:1`])).Digest).toBe(remote)
    expect(cli('start', 'hello-1').status).toBe(0)
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe('Hello Registry from sysbuild hello-1!\n')
    expect(cli('stop', 'hello-1').status).toBe(0)
    // atomic's http: spelling of a plain-HTTP registry; the image is in the store now, so the
    // registry is not needed any more (it is stopped first).
    await reg.stop()
    const again = cli('install', '--name', 'hello-http', `http:${reg.host}/sb/hello:1`)
    expect(again.status, again.stderr).toBe(0)
    for (const n of ['hello-1', 'hello-http']) expect(cli('uninstall', n).status).toBe(0)
  })
})

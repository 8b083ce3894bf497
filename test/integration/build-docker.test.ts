/**
 * docker-archive output → `docker load` in a real dockerd started here (private socket, no bridge, stopped by
 * PID), then `docker run --network none`. Also `--load` through the API and a docker-daemon: base.
 */
import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {cp, mkdir, mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {buildImage, lintTargets} from '../../src/engine/index.js'
import {toolSkipReason} from '../image/kit.js'
import {startDockerd, type TestDockerd} from '../kit/dockerd.js'

const EXAMPLE = resolve(import.meta.dirname, '../../examples/hello-world')
const EPOCH = 1_700_000_000
// Root is a condition of the machine; the tools, once root, must be there (toolSkipReason fails in CI without them).
const ready = process.getuid?.() === 0 && !toolSkipReason('dockerd', 'docker', '/bin/busybox')

describe.skipIf(!ready)('docker-archive and --load into a real dockerd', () => {
  let w: string
  let sock: string
  let daemon: TestDockerd | undefined
  const docker = (...args: string[]): string => daemon!.docker(...args)

  beforeAll(async () => {
    w = await mkdtemp(join(tmpdir(), 'sb-build-docker-'))
    daemon = await startDockerd()
    sock = daemon.socket
  })

  afterAll(async () => {
    await daemon?.stop()
    await rm(w, {recursive: true, force: true})
  })

  it('loads the hello-world docker-archive with `docker load` and runs it with --network none', async () => {
    const proj = join(w, 'hello-world')
    await cp(EXAMPLE, proj, {recursive: true})
    const archive = join(w, 'hello.tar')
    const r = await buildImage({dir: proj, root: join(w, 'root'), epoch: EPOCH, outputs: [`docker-archive:${archive}`]})
    expect(docker('load', '-i', archive)).toContain('Loaded image: hello-world:latest')
    const inspect = JSON.parse(docker('image', 'inspect', 'hello-world:latest')) as [{RootFS: {Layers: string[]}; Config: {Labels: Record<string, string>}}]
    expect(inspect[0].RootFS.Layers).toEqual(r.layers.map((l) => l.diffId))
    expect(inspect[0].Config.Labels['atomic.type']).toBe('system')
    expect(docker('run', '--rm', '--network', 'none', 'hello-world:latest', '/bin/busybox', 'sh', '-c', 'echo hello from $(/bin/busybox cat /exports/manifest.json | /bin/busybox grep -c RECEIVER) image')).toBe('hello from 1 image\n')
    expect(docker('run', '--rm', '--network', 'none', 'hello-world:latest', '/bin/busybox', 'ls', '/usr/bin/run.sh')).toBe('/usr/bin/run.sh\n')
  })

  it('--load goes through the Docker API; a docker-daemon: base comes back untouched', async () => {
    const proj = join(w, 'hello-load')
    await cp(EXAMPLE, proj, {recursive: true})
    const r = await buildImage({dir: proj, root: join(w, 'root2'), epoch: EPOCH, tag: 'sb-loaded/hello:v1', load: true, docker: {socketPath: sock}})
    expect(r.outputs).toContainEqual({kind: 'docker-daemon', ref: 'sb-loaded/hello:v1'})
    expect(docker('run', '--rm', '--network', 'none', 'sb-loaded/hello:v1', '/bin/busybox', 'echo', 'loaded')).toBe('loaded\n')
    // `sysbuild lint docker-daemon:NAME` reads the /exports of the daemon's copy: the same findings as the project.
    const fromDaemon = await lintTargets(['docker-daemon:sb-loaded/hello:v1'], {docker: {socketPath: sock}})
    const fromDir = await lintTargets([proj])
    expect(fromDaemon.findings.map((f) => ({...f, file: f.file.replace('docker-daemon:sb-loaded/hello:v1:/exports', 'X')})))
      .toEqual(fromDir.findings.map((f) => ({...f, file: f.file.replace(join(proj, 'exports'), 'X')})))
    expect(fromDaemon.errors).toBe(0)
    // Build on top of the daemon's image: its layers (saved uncompressed by docker) have the same diff_ids.
    await mkdir(join(w, 'extra', 'etc'), {recursive: true})
    const on = await buildImage({cwd: w, dir: w, from: 'docker-daemon:sb-loaded/hello:v1', rootfs: ['extra'], tag: 'on-daemon:1', root: join(w, 'root2'), epoch: EPOCH, lint: false, docker: {socketPath: sock}})
    expect(on.layers.filter((l) => l.base).map((l) => l.diffId)).toEqual(r.layers.map((l) => l.diffId))
    await expect(buildImage({cwd: w, dir: w, from: 'docker-daemon:not-there:1', rootfs: ['extra'], tag: 'x:1', root: join(w, 'root2'), lint: false, docker: {socketPath: sock}}))
      .rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
  })
})

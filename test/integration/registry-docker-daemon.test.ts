/**
 * `sysbuild push docker-daemon:NAME[:TAG] REF`: a real dockerd started here (private socket, no bridge, stopped by
 * PID; test/kit/dockerd.ts) holds an image `docker load`ed from a skopeo-made docker-archive of a umoci-built
 * image; the push goes to the real CNCF registry on 127.0.0.1. The pushed config is the daemon's image (its id is
 * the config digest), the file tree the archive's layers extracted by GNU tar, every pulled blob's sha256sum its
 * name (skopeo copy + umoci unpack). Root, dockerd and docker are conditions of the machine: without them the
 * suite is skipped, saying why.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace} from '../commands/run-cli.js'
import {startDockerd, type TestDockerd} from '../kit/dockerd.js'
import {pulledImageTree, treeListing, untar, untarLayer} from '../kit/image-tree.js'
import {runCliAsync} from '../kit/registry-cli.js'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {buildTestImage, run, skopeoRawManifest} from '../kit/registry-image.js'
import {toolSkipReason} from '../kit/tools.js'

const skip = process.getuid?.() !== 0
  ? 'dockerd needs root'
  : registrySkipReason() ?? toolSkipReason('dockerd', 'docker', 'skopeo', 'umoci', 'tar', 'sha256sum', 'find', '/bin/busybox')
if (skip) console.warn(`docker-daemon push tests skipped: ${skip}`)

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

describe.skipIf(skip)('push docker-daemon: from a real dockerd to the CNCF registry', () => {
  let dir: string
  let tmp: string
  let env: Record<string, string>
  let reg: TestRegistry
  let dockerd: TestDockerd
  let archiveTree: string[]
  let archiveLayers: string[]

  beforeAll(async () => {
    buildCli()
    dir = mkdtempSync(join(tmpdir(), 'sb-push-daemon-'))
    tmp = join(dir, 'tmp')
    mkdirSync(tmp)
    const img = buildTestImage(join(dir, 'img'), {randomBytes: 5 << 20, marker: 'daemon'})
    run('skopeo', ['copy', `oci:${img.layout}:latest`, `docker-archive:${join(dir, 'app.tar')}:sb/daemon:1`])
    const unpacked = join(dir, 'unpacked')
    untar(join(dir, 'app.tar'), unpacked)
    const entry = (JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as {Layers: string[]}[])[0]!
    archiveLayers = entry.Layers.map((l) => `sha256:${sha(readFileSync(join(unpacked, l)))}`)
    const tree = join(dir, 'tree')
    for (const l of entry.Layers) untarLayer(join(unpacked, l), tree)
    archiveTree = treeListing(tree)
    ;[reg, dockerd] = await Promise.all([startRegistry(), startDockerd()])
    dockerd.docker('load', '-i', join(dir, 'app.tar'))
    env = {TMPDIR: tmp, SYSBUILD_ROOT: join(dir, 'root'), DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'no-auth.json'), DOCKER_HOST: dockerd.host}
  }, 180_000)
  afterAll(async () => {
    await Promise.all([reg?.stop(), dockerd?.stop()])
    if (dir) rmSync(dir, {recursive: true, force: true})
  }, 60_000)

  const push = async (image: string, ref: string) => {
    const r = await runCliAsync(['push', image, ref], {env})
    expect(readdirSync(tmp)).toEqual([])
    expect(hasStackTrace(r.stderr)).toBe(false)
    return r
  }

  it("pushes the daemon's image: its config (digest = the image id), its layers uncompressed, the archive's file tree", async () => {
    const ref = `${reg.host}/sb/daemon:1`
    const r = await push('docker-daemon:sb/daemon:1', ref)
    expect({status: r.status, stderr: r.status === 0 ? '' : r.stderr}).toEqual({status: 0, stderr: ''})
    const raw = await skopeoRawManifest(ref)
    expect(`sha256:${sha(raw)}`).toBe(r.stdout.trim())
    const m = JSON.parse(raw) as {mediaType: string; config: {digest: string; mediaType: string}; layers: {mediaType: string; digest: string}[]}
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(m.config).toMatchObject({mediaType: 'application/vnd.oci.image.config.v1+json', digest: dockerd.docker('image', 'inspect', '--format', '{{.Id}}', 'sb/daemon:1').trim()})
    expect(m.layers.map((l) => l.mediaType)).toEqual(archiveLayers.map(() => 'application/vnd.oci.image.layer.v1.tar'))
    // docker save gives back the layer tars it loaded (their digests are the config's diff_ids)
    expect(m.layers.map((l) => l.digest)).toEqual(archiveLayers)
    expect(pulledImageTree(ref, dir, 'daemon')).toEqual(archiveTree)
  })

  it('an image the daemon lacks: exit 1, NOT_FOUND naming it; NAME without a tag means NAME:latest', async () => {
    for (const name of ['sb/absent:1', 'sb/daemon']) {
      const r = await push(`docker-daemon:${name}`, `${reg.host}/sb/absent:1`)
      expect(r.status).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain('Code: SYSBUILD_IMAGE_NOT_FOUND')
      expect(r.stderr).toContain(`docker-daemon:${name.includes(':') ? name : `${name}:latest`}: the Docker daemon has no such image`)
    }
  })
})

import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildImage, imageStoreDir} from '../../src/engine/index.js'
import {openLayout, type ImageManifest} from '../../src/image/index.js'
import {sh, sha256sum, toolSkipReason} from '../image/kit.js'

const EPOCH = 1_700_000_000
const missing = toolSkipReason('umoci', 'skopeo', 'busybox')

/** A busybox base image made by umoci (not by sysbuild), plus skopeo-made archives of it. */
describe.skipIf(missing)('build on bases made by other tools (umoci, skopeo)', () => {
  let w: string
  let umociLayer: string
  beforeAll(async () => {
    w = await mkdtemp(join(tmpdir(), 'sb-base-'))
    const r = join(w, 'busybox-rootfs')
    await mkdir(join(r, 'bin'), {recursive: true})
    await cp('/bin/busybox', join(r, 'bin', 'busybox'))
    await mkdir(join(r, 'etc'))
    await writeFile(join(r, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    sh(`umoci init --layout '${w}/base' && umoci new --image '${w}/base:latest'`)
    sh(`umoci insert --image '${w}/base:latest' '${r}' /`)
    sh(`umoci config --image '${w}/base:latest' --config.env=PATH=/bin --config.cmd=/bin/sh --os linux --architecture amd64`)
    sh(`umoci gc --layout '${w}/base'`)
    sh(`skopeo copy 'oci:${w}/base:latest' 'docker-archive:${w}/base-docker.tar:sb/busybox:latest'`)
    sh(`skopeo copy 'oci:${w}/base:latest' 'oci-archive:${w}/base-oci.tar:latest'`)
    const m = JSON.parse(sh(`skopeo inspect --raw 'oci:${w}/base:latest'`)) as ImageManifest
    umociLayer = m.layers[0]!.digest
    await mkdir(join(w, 'proj', 'rootfs', 'etc'), {recursive: true})
    await writeFile(join(w, 'proj', 'rootfs', 'etc', 'motd'), 'on top\n')
  })
  afterAll(async () => {
    await rm(w, {recursive: true, force: true})
  })

  const build = (from: string, root: string, extra = {}) =>
    buildImage({cwd: w, dir: join(w, 'proj'), from, rootfs: ['proj/rootfs'], tag: 'on-base:1', root: join(w, root), epoch: EPOCH, lint: false, ...extra})

  it('reuses the layers of an OCI layout untouched and keeps its runtime config', async () => {
    const r = await build(`oci:${w}/base:latest`, 'r1', {outputs: [`oci:${w}/out1`]})
    expect(r.layers[0]).toMatchObject({digest: umociLayer, base: true})
    expect(r.layers).toHaveLength(2)
    const inspect = JSON.parse(sh(`skopeo inspect --config 'oci:${w}/out1:1'`)) as {config: {Env: string[]; Cmd: string[]; Labels: Record<string, string>}; history: unknown[]}
    expect(inspect.config.Env).toEqual(['PATH=/bin'])
    expect(inspect.config.Cmd).toEqual(['/bin/sh'])
    expect(inspect.config.Labels['atomic.type']).toBe('system')
    sh(`umoci unpack --image '${w}/out1:1' '${w}/bundle1'`)
    expect(sha256sum(join(w, 'bundle1/rootfs/bin/busybox'))).toBe(sha256sum('/bin/busybox'))
    expect(await readFile(join(w, 'bundle1/rootfs/etc/motd'), 'utf8')).toBe('on top\n')
  })

  it('takes bases from skopeo-written docker-archive and oci-archive files', async () => {
    const d = await build(`docker-archive:${w}/base-docker.tar`, 'r2')
    // docker-archives carry uncompressed layers: kept as they are, digest = diff_id.
    expect(d.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar')
    expect(d.layers[0]!.digest).toBe(d.layers[0]!.diffId)
    const named = await build(`docker-archive:${w}/base-docker.tar:sb/busybox:latest`, 'r2')
    expect(named.digest).toBe(d.digest)
    const o = await build(`oci-archive:${w}/base-oci.tar`, 'r3')
    expect(o.layers[0]!.digest).toBe(umociLayer)
    await expect(build(`docker-archive:${w}/base-docker.tar:other:tag`, 'r2')).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
  })

  it('fails clearly on a corrupt base layer, a garbage archive and a missing base, leaving the store as it was', async () => {
    const root = 'r4'
    await build('scratch', root)
    const store = imageStoreDir({root: join(w, root)})
    const before = (await readdir(join(store, 'blobs/sha256'))).sort()
    await cp(join(w, 'base'), join(w, 'bad'), {recursive: true})
    const blob = join(w, 'bad/blobs/sha256', umociLayer.slice(7))
    const bytes = await readFile(blob)
    bytes[bytes.length - 20] ^= 0xff
    await writeFile(blob, bytes)
    await expect(build(`oci:${w}/bad:latest`, root)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH', message: expect.stringContaining(umociLayer)})
    await writeFile(join(w, 'garbage.tar'), 'this is not a tar archive'.repeat(100))
    await expect(build(`oci-archive:${w}/garbage.tar`, root)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_ARCHIVE'})
    await expect(build(`oci-archive:${w}/missing.tar`, root)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
    await expect(build(`oci:${w}/missing`, root)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
    await expect(build(`oci:${w}/base:nope`, root)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
    // Not in the local store: a registry reference (loopback, a closed port: nothing leaves the machine).
    await expect(build('127.0.0.1:1/not-built-here:1', root)).rejects.toMatchObject({code: 'SYSBUILD_REGISTRY_UNREACHABLE'})
    expect((await readdir(join(store, 'blobs/sha256'))).sort()).toEqual(before)
    expect(await readdir(join(store, '.sysbuild-tmp'))).toEqual([])
    // A layout whose index.json is garbage.
    await writeFile(join(w, 'bad', 'index.json'), '{"manifests": 3}')
    await expect(build(`oci:${w}/bad`, root)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_ARCHIVE'})
  })

  it('builds on an image of the local store by name', async () => {
    const first = await build(`oci:${w}/base:latest`, 'r5')
    const second = await buildImage({cwd: w, dir: join(w, 'proj'), from: 'on-base:1', rootfs: [], tag: 'derived:1', root: join(w, 'r5'), epoch: EPOCH, lint: false})
    expect(second.layers.slice(0, 2).map((l) => l.digest)).toEqual(first.layers.map((l) => l.digest))
    const layout = await openLayout(imageStoreDir({root: join(w, 'r5')}))
    expect((await layout.listRefs()).map((r) => r.ref).sort()).toEqual(['derived:1', 'on-base:1'])
  })
})

/**
 * push and pull against the real CNCF registry (Debian docker-registry) on 127.0.0.1, checked with tools we
 * did not write: skopeo (inspect, copy), umoci (build, unpack), sha256sum, and the registry's own access log.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {registrySkipReason, startRegistry, type AccessLine, type TestRegistry} from '../kit/registry.js'
import {buildTestImage, buildTestIndex, run, skopeoInspect, skopeoRawManifest, type TestImage} from '../kit/registry-image.js'
import {pullImageTo, pushImageFrom, registryBaseResolver, type ProgressEvent} from '../../src/registry/index.js'
import {openLayout} from '../../src/image/index.js'
import {SysbuildError} from '../../src/core/index.js'

const skip = registrySkipReason('skopeo', 'umoci', 'sha256sum')
if (skip) console.warn(`registry push/pull tests skipped: ${skip}`)

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`
const isBlobWrite = (l: AccessLine) => (l.method === 'POST' || l.method === 'PATCH' || l.method === 'PUT') && l.path.includes('/blobs/uploads/')

describe.skipIf(skip)('push and pull against the CNCF registry', () => {
  let dir: string
  let reg: TestRegistry
  let small: TestImage
  let big: TestImage
  let store: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-regtest-'))
    small = buildTestImage(join(dir, 'small'), {marker: 'small'})
    big = buildTestImage(join(dir, 'big'), {randomBytes: 9 << 20, marker: 'big'})
    store = join(dir, 'store')
    reg = await startRegistry()
  })
  afterAll(async () => {
    await reg?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('pushes an umoci-built image: skopeo inspect sees the same digest and the exact manifest bytes', async () => {
    const events: ProgressEvent[] = []
    const r = await pushImageFrom(`oci:${big.layout}:latest`, `${reg.host}/sb/big:v1`, {storeDir: store, onProgress: (e) => events.push(e)})
    expect(r.digest).toBe(big.digest)
    expect(r.reference).toBe(`${reg.host}/sb/big:v1`)
    expect(r.blobs).toMatchObject({uploaded: 3, mounted: 0, skipped: 0})
    expect((await skopeoInspect(`${reg.host}/sb/big:v1`)).Digest).toBe(big.digest)
    expect(sha256(await skopeoRawManifest(`${reg.host}/sb/big:v1`))).toBe(big.digest)
    const local = readFileSync(join(big.layout, 'blobs', 'sha256', big.digest.slice(7)))
    expect(await skopeoRawManifest(`${reg.host}/sb/big:v1`)).toBe(local.toString('utf8'))
    // default upload: one streamed PATCH per big blob, one PUT for small ones
    const log = reg.accessLog()
    expect(log.filter((l) => l.method === 'PATCH').length).toBe(2)
    expect(events.filter((e) => e.kind === 'blob' && e.state === 'uploaded').length).toBe(3)
  })

  it('pushes an oci-archive (written by skopeo) byte for byte', async () => {
    const archive = join(dir, 'img.tar')
    run('skopeo', ['copy', `oci:${small.layout}:latest`, `oci-archive:${archive}:latest`])
    const want = JSON.parse(run('skopeo', ['inspect', `oci-archive:${archive}:latest`])).Digest as string
    const r = await pushImageFrom(`oci-archive:${archive}:latest`, `${reg.host}/sb/archive:1`, {storeDir: store})
    expect(r.digest).toBe(want)
    expect((await skopeoInspect(`${reg.host}/sb/archive:1`)).Digest).toBe(want)
  })

  it('skopeo copies what was pushed to an OCI layout that umoci unpacks, file contents intact', () => {
    const out = join(dir, 'copied')
    run('skopeo', ['copy', '--src-tls-verify=false', `docker://${reg.host}/sb/big:v1`, `oci:${out}:got`])
    const bundle = join(dir, 'bundle')
    run('umoci', ['unpack', '--image', `${out}:got`, bundle])
    expect(existsSync(join(bundle, 'rootfs', 'bin', 'busybox'))).toBe(true)
    expect(readFileSync(join(bundle, 'rootfs', 'etc', 'marker'), 'utf8')).toBe('big\n')
    const orig = join(dir, 'big', 'random-latest', 'data', 'random.bin')
    expect(run('sha256sum', [join(bundle, 'rootfs', 'data', 'random.bin')]).split(' ')[0]).toBe(run('sha256sum', [orig]).split(' ')[0])
  })

  it('re-pushing an unchanged image uploads no blob (registry access log)', async () => {
    const mark = reg.mark()
    const r = await pushImageFrom(`oci:${big.layout}:latest`, `${reg.host}/sb/big:v1`, {storeDir: store})
    expect(r.blobs).toEqual({uploaded: 0, mounted: 0, skipped: 3, bytesUploaded: 0})
    const log = reg.accessLog().slice(mark)
    expect(log.filter(isBlobWrite)).toEqual([])
    expect(log.filter((l) => l.method === 'HEAD').length).toBe(3)
  })

  it('spec-chunked push with --chunk-size: PATCHes of at most that size, same digest', async () => {
    const mark = reg.mark()
    const r = await pushImageFrom(`oci:${big.layout}:latest`, `${reg.host}/sb/chunked:v1`, {storeDir: store, chunkSize: 1 << 20})
    expect(r.digest).toBe(big.digest)
    const patches = reg.accessLog().slice(mark).filter((l) => l.method === 'PATCH')
    expect(patches.length).toBeGreaterThanOrEqual(9) // a 9 MiB random layer in 1 MiB chunks (plus the busybox layer)
    expect((await skopeoInspect(`${reg.host}/sb/chunked:v1`)).Digest).toBe(big.digest)
  })

  it('an image pushed by skopeo, pulled by sysbuild: identical digests, every blob verified by sha256sum', async () => {
    run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${small.layout}:latest`, `docker://${reg.host}/sk/small:1`])
    const want = await skopeoInspect(`${reg.host}/sk/small:1`)
    const r = await pullImageTo(`${reg.host}/sk/small:1`, store)
    expect(r.digest).toBe(want.Digest)
    expect(r.reference).toBe(`${reg.host}/sk/small:1`)
    const layout = await openLayout(store)
    expect((await layout.resolve(`${reg.host}/sk/small:1`))?.digest).toBe(want.Digest)
    const blobs = join(store, 'blobs', 'sha256')
    for (const name of readdirSync(blobs)) expect(run('sha256sum', [join(blobs, name)]).split(' ')[0]).toBe(name)
    for (const layer of want.Layers) expect(existsSync(join(blobs, layer.slice(7)))).toBe(true)
    // the store is an OCI layout skopeo reads back to the same manifest
    expect(JSON.parse(run('skopeo', ['inspect', `oci:${store}:${reg.host}/sk/small:1`])).Digest).toBe(want.Digest)
  })

  it('pull then push to another repository mounts every blob across repositories (registry access log)', async () => {
    await pullImageTo(`${reg.host}/sb/big:v1`, store)
    const mark = reg.mark()
    const r = await pushImageFrom(`${reg.host}/sb/big:v1`, `${reg.host}/other/copy:1`, {storeDir: store})
    expect(r.digest).toBe(big.digest)
    expect(r.blobs).toMatchObject({mounted: 3, uploaded: 0})
    const log = reg.accessLog().slice(mark)
    const mounts = log.filter((l) => l.method === 'POST' && l.path.includes('mount='))
    expect(mounts.length).toBe(3)
    for (const m of mounts) {
      expect(m.status).toBe(201)
      expect(m.path).toContain('from=sb%2Fbig')
    }
    expect(log.filter((l) => l.method === 'PATCH' || (l.method === 'PUT' && l.path.includes('/blobs/')))).toEqual([])
    expect((await skopeoInspect(`${reg.host}/other/copy:1`)).Digest).toBe(big.digest)
  })

  it('pushes an index with its children first, and pull picks the platform', async () => {
    // two images in one layout (umoci), and an index over them written by hand
    const index = buildTestIndex(join(dir, 'multi'))
    const indexDigest = index.digest
    const amd = index.amd64
    const arm = index.arm64

    const mark = reg.mark()
    const r = await pushImageFrom(`oci:${index.layout}:multi`, `${reg.host}/sb/multi:1`, {storeDir: store})
    expect(r.digest).toBe(indexDigest)
    expect(r.mediaType).toBe(index.mediaType)
    const puts = reg.accessLog().slice(mark).filter((l) => l.method === 'PUT' && l.path.includes('/manifests/'))
    expect(puts.map((p) => p.path.split('/manifests/')[1])).toEqual([amd.digest, arm.digest, '1'])
    expect(sha256(await skopeoRawManifest(`${reg.host}/sb/multi:1`))).toBe(indexDigest)
    // skopeo resolves the index to the arm64 child (and reports the index digest)
    const viaSkopeo = await skopeoInspect(`${reg.host}/sb/multi:1`, ['--override-arch', 'arm64'])
    expect(viaSkopeo.Architecture).toBe('arm64')
    expect(viaSkopeo.Digest).toBe(indexDigest)

    const pulledStore = join(dir, 'store-multi')
    const host = await pullImageTo(`${reg.host}/sb/multi:1`, pulledStore, {platform: 'linux/amd64'})
    expect(host).toMatchObject({digest: amd.digest, indexDigest, platform: 'linux/amd64'})
    const armPull = await pullImageTo(`${reg.host}/sb/multi:1`, pulledStore, {platform: 'linux/arm64/v8'})
    expect(armPull.digest).toBe(arm.digest)
    expect(JSON.parse(run('skopeo', ['inspect', `oci:${pulledStore}:${reg.host}/sb/multi:1`])).Architecture).toBe('arm64')
    const err = await pullImageTo(`${reg.host}/sb/multi:1`, pulledStore, {platform: 'linux/s390x'}).catch((e: unknown) => e)
    expect((err as SysbuildError).code).toBe('SYSBUILD_REGISTRY_NO_MATCHING_PLATFORM')
    expect((err as SysbuildError).message).toContain('linux/amd64, linux/arm64/v8')
  })

  it('pulls by digest and names the stored image registry/repo@digest', async () => {
    const s = join(dir, 'store-digest')
    const r = await pullImageTo(`${reg.host}/sb/big@${big.digest}`, s)
    expect(r.reference).toBe(`${reg.host}/sb/big@${big.digest}`)
    expect(r.digest).toBe(big.digest)
    expect((await (await openLayout(s)).resolve(r.reference))?.digest).toBe(big.digest)
  })

  it('serves as a build base: pulled into the local store, layers copied into the build\'s store', async () => {
    const local = await openLayout(join(dir, 'store-base-local'), {create: true})
    const target = await openLayout(join(dir, 'store-base-target'), {create: true})
    const base = await registryBaseResolver(local)(`${reg.host}/sb/big:v1`, {target, platform: {os: 'linux', architecture: 'amd64'}})
    expect(base.digest).toBe(big.digest)
    expect(base.manifest?.layers.length).toBe(2)
    for (const l of base.manifest?.layers ?? []) expect(await target.hasBlob(l.digest)).toBe(true)
    expect((await local.resolve(`${reg.host}/sb/big:v1`))?.digest).toBe(big.digest)
  })

  it('a corrupted blob on pull is refused and the store holds nothing of it', async () => {
    run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${small.layout}:latest`, `docker://${reg.host}/sb/corrupt:1`])
    const layers = (await skopeoInspect(`${reg.host}/sb/corrupt:1`)).Layers
    const victim = layers[layers.length - 1]!
    // flip one byte of the blob in the registry's storage (same size: only the digest can tell)
    const file = join(reg.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', victim.slice(7, 9), victim.slice(7), 'data')
    const data = readFileSync(file)
    data[data.length >> 1] ^= 0xff
    writeFileSync(file, data)
    const s = join(dir, 'store-corrupt')
    mkdirSync(s)
    const err = await pullImageTo(`${reg.host}/sb/corrupt:1`, s).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SysbuildError)
    expect((err as SysbuildError).code).toBe('SYSBUILD_IMAGE_DIGEST_MISMATCH')
    expect((err as SysbuildError).message).toContain(victim)
    expect(existsSync(join(s, 'blobs', 'sha256', victim.slice(7)))).toBe(false)
    const leftovers = existsSync(join(s, '.sysbuild-tmp')) ? readdirSync(join(s, '.sysbuild-tmp')) : []
    expect(leftovers).toEqual([])
    expect(await (await openLayout(s)).listRefs()).toEqual([])
  })

  it('a corrupt blob in the local layout: SYSBUILD_IMAGE_DIGEST_MISMATCH, and the registry gets no manifest', async () => {
    const copy = join(dir, 'corrupt-layout')
    run('cp', ['-a', small.layout, copy])
    const manifest = JSON.parse(readFileSync(join(copy, 'blobs', 'sha256', small.digest.slice(7)), 'utf8')) as {layers: {digest: string}[]}
    const victim = manifest.layers[0]!.digest
    const file = join(copy, 'blobs', 'sha256', victim.slice(7))
    const data = readFileSync(file)
    data[100] ^= 0xff
    writeFileSync(file, data)
    const mark = reg.mark()
    const err = await pushImageFrom(`oci:${copy}:latest`, `${reg.host}/sb/corrupt-local:1`, {storeDir: store}).catch((e: unknown) => e)
    expect((err as SysbuildError).code).toBe('SYSBUILD_IMAGE_DIGEST_MISMATCH')
    expect((err as SysbuildError).message).toContain(victim)
    const log = reg.accessLog().slice(mark)
    expect(log.filter((l) => l.method === 'PUT' && l.path.includes('/manifests/'))).toEqual([])
    // the registry refused the bytes once; sysbuild did not keep re-sending them
    expect(log.filter((l) => l.method === 'PUT' && l.path.includes('digest=') && l.status === 400).length).toBeLessThanOrEqual(1)
  })

  it('an unknown repository and an unknown tag are SYSBUILD_REGISTRY_NOT_FOUND, naming them', async () => {
    const e1 = await pullImageTo(`${reg.host}/no/such:1`, join(dir, 'store-x')).catch((e: unknown) => e)
    expect((e1 as SysbuildError).code).toBe('SYSBUILD_REGISTRY_NOT_FOUND')
    expect((e1 as SysbuildError).message).toContain(`${reg.host}/no/such`)
    const e2 = await pullImageTo(`${reg.host}/sb/big:nope`, join(dir, 'store-x')).catch((e: unknown) => e)
    expect((e2 as SysbuildError).code).toBe('SYSBUILD_REGISTRY_NOT_FOUND')
    expect((e2 as SysbuildError).message).toContain('MANIFEST_UNKNOWN')
  })

  it('an unreachable registry is SYSBUILD_REGISTRY_UNREACHABLE at once', async () => {
    const e = await pullImageTo('127.0.0.1:1/x/y:1', join(dir, 'store-x')).catch((err: unknown) => err)
    expect((e as SysbuildError).code).toBe('SYSBUILD_REGISTRY_UNREACHABLE')
    expect((e as SysbuildError).message).toContain('127.0.0.1:1')
    expect((e as SysbuildError).message).toContain('connection refused')
  })
})

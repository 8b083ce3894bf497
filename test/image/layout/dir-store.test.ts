import {describe, it, expect, beforeEach, afterEach} from 'vitest'
import {mkdtemp, rm, readFile, readdir, writeFile, utimes} from 'node:fs/promises'
import {execFileSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {openLayout, MEDIA_TYPES, digestOfBytes, type ImageStore, type Descriptor} from '../../../src/image/index.js'
import {needTool} from '../kit.js'

const sha256sum = (file: string): string => `sha256:${execFileSync('sha256sum', [file], {encoding: 'utf8'}).split(' ')[0]}`

async function drain(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of r) parts.push(c as Buffer)
  return Buffer.concat(parts)
}

/** A minimal valid image (config + no layers) stored in `store`. */
async function storeImage(store: ImageStore, arch = 'amd64'): Promise<Descriptor> {
  const config = await store.putJson({architecture: arch, os: 'linux', rootfs: {type: 'layers', diff_ids: []}, config: {}}, MEDIA_TYPES.config)
  return store.putJson({schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers: []}, MEDIA_TYPES.manifest)
}

describe('OCI layout store', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-store-'))
  })
  afterEach(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('creates a layout that umoci and skopeo accept', async (ctx) => {
    const store = await openLayout(join(dir, 'oci'), {create: true})
    expect(JSON.parse(await readFile(join(dir, 'oci', 'oci-layout'), 'utf8'))).toEqual({imageLayoutVersion: '1.0.0'})
    const m = await storeImage(store)
    await store.tag('hello:1', m)
    await store.tag('hello:2', m)
    needTool(ctx, 'umoci', 'skopeo')
    const tags = execFileSync('umoci', ['ls', '--layout', join(dir, 'oci')], {encoding: 'utf8'}).trim().split('\n').sort()
    expect(tags).toEqual(['hello:1', 'hello:2'])
    const raw = execFileSync('skopeo', ['inspect', '--raw', `oci:${join(dir, 'oci')}:hello:1`], {encoding: 'utf8'})
    expect(digestOfBytes(raw)).toBe(m.digest)
  })

  it('stores blobs under their sha256 (checked by sha256sum), idempotently', async () => {
    const store = await openLayout(dir, {create: true})
    const data = Buffer.from('hello blob\n')
    const a = await store.putBlob(Readable.from([data.subarray(0, 3), data.subarray(3)]))
    const b = await store.putBlob(data, {digest: a.digest, size: a.size})
    expect(b).toEqual(a)
    expect(a.size).toBe(data.length)
    expect(sha256sum(store.blobPath(a.digest))).toBe(a.digest)
    expect(await drain(await store.openBlob(a.digest))).toEqual(data)
    expect(await store.statBlob(a.digest)).toEqual(a)
    expect(await store.hasBlob(digestOfBytes('other'))).toBe(false)
  })

  it('refuses a blob that does not match its expected digest or size and leaves nothing behind', async () => {
    const store = await openLayout(dir, {create: true})
    const wrong = digestOfBytes('something else')
    await expect(store.putBlob(Buffer.from('payload'), {digest: wrong})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
    await expect(store.putBlob(Buffer.from('payload'), {size: 3})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
    await expect(store.putBlob(Buffer.from('payload'), {size: 100})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
    expect(await readdir(join(dir, 'blobs', 'sha256'))).toEqual([])
    expect(await readdir(join(dir, '.sysbuild-tmp'))).toEqual([])
    expect(await store.hasBlob(wrong)).toBe(false)
  })

  it('a failing source stream leaves no temp file', async () => {
    const store = await openLayout(dir, {create: true})
    async function* broken() {
      yield Buffer.from('part')
      throw new Error('network went away')
    }
    await expect(store.putBlob(broken())).rejects.toThrow('network went away')
    expect(await readdir(join(dir, '.sysbuild-tmp'))).toEqual([])
    expect(await readdir(join(dir, 'blobs', 'sha256'))).toEqual([])
  })

  it('writes every byte of mixed small and big chunks from a producer that reuses its buffers (sha256sum agrees)', async () => {
    const store = await openLayout(dir, {create: true})
    const {randomBytes, createHash} = await import('node:crypto')
    const data = randomBytes(9 * 1024 * 1024 + 333)
    // Sizes around the 128 KiB "small" limit and the 1 MiB staging buffers; the producer reuses three buffers,
    // as the tar writer does (allowed once two more chunks have been asked for).
    const sizes = [1, 16_384, 65_536, 131_071, 131_072, 1 << 20, 7, (1 << 20) + 1, 300_000, 65_536, 2_000_000]
    const ring = [Buffer.alloc(2_100_000), Buffer.alloc(2_100_000), Buffer.alloc(2_100_000)]
    async function* reusing() {
      for (let off = 0, i = 0; off < data.length; i++) {
        const n = Math.min(sizes[i % sizes.length]!, data.length - off)
        const b = ring[i % 3]!
        data.copy(b, 0, off, off + n)
        yield b.subarray(0, n)
        off += n
      }
    }
    const a = await store.putBlob(reusing())
    expect(a.digest).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`)
    expect(sha256sum(store.blobPath(a.digest))).toBe(a.digest)
    // The same bytes as a stream of network-sized chunks, with a size to check against.
    const chunks = Array.from({length: Math.ceil(data.length / 16_384)}, (_, i) => data.subarray(i * 16_384, (i + 1) * 16_384))
    const b = await store.putBlob(Readable.from(chunks), {size: data.length})
    expect(b).toEqual(a)
  })

  it('a stream destroyed without an error is a premature close, not a short blob', async () => {
    const store = await openLayout(dir, {create: true})
    const r = new Readable({read() {}})
    r.push(Buffer.alloc(1000, 1))
    setTimeout(() => r.destroy(), 20)
    await expect(store.putBlob(r)).rejects.toThrow(/premature close/)
    expect(await readdir(join(dir, '.sysbuild-tmp'))).toEqual([])
    expect(await readdir(join(dir, 'blobs', 'sha256'))).toEqual([])
  })

  it('verifies reads: a corrupted blob fails at the end of the stream', async () => {
    const store = await openLayout(dir, {create: true})
    const {digest} = await store.putBlob(Buffer.from('{"a":1}'))
    await writeFile(store.blobPath(digest), '{"a":2}')
    await expect(drain(await store.openBlob(digest))).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
    await expect(store.readJson(digest)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
    await expect(store.openBlob(digest, 99)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
    await expect(store.openBlob(digestOfBytes('absent'))).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
  })

  it('tags, resolves by name and digest, untags; concurrent tags are not lost', async () => {
    const store = await openLayout(dir, {create: true})
    const m1 = await storeImage(store, 'amd64')
    const m2 = await storeImage(store, 'arm64')
    await store.tag('app:latest', m1)
    await store.tag('app:latest', m2)
    expect((await store.resolve('app:latest'))?.digest).toBe(m2.digest)
    expect((await store.resolve(m1.digest))?.mediaType).toBe(MEDIA_TYPES.manifest)
    expect(await store.resolve('nope:1')).toBeUndefined()
    await Promise.all(Array.from({length: 12}, (_, i) => store.tag(`many:${i}`, i % 2 ? m1 : m2)))
    const refs = (await store.listRefs()).map((r) => r.ref).sort()
    expect(refs).toHaveLength(13)
    expect(await store.untag('app:latest')).toBe(true)
    expect(await store.untag('app:latest')).toBe(false)
    await expect(store.tag('bad name', m1)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_REFERENCE'})
    await expect(store.tag('x:1', {...m1, digest: digestOfBytes('absent')})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
  })

  it('gc removes only unreachable blobs (umoci agrees nothing referenced is missing)', async (ctx) => {
    const store = await openLayout(dir, {create: true})
    const kept = await storeImage(store, 'amd64')
    const dropped = await storeImage(store, 'arm64')
    const loose = await store.putBlob(Buffer.from('loose'))
    await store.tag('keep:1', kept)
    const old = new Date(Date.now() - 60_000)
    await utimes(store.blobPath(loose.digest), old, old)
    const young = await store.gc({graceMs: 3_600_000})
    expect(young.removed).toEqual([])
    const r = await store.gc()
    expect(r.removed).toContain(dropped.digest)
    expect(r.removed).toContain(loose.digest)
    expect(await store.hasBlob(kept.digest)).toBe(true)
    const m = await store.readJson<{config: Descriptor}>(kept.digest)
    expect(await store.hasBlob(m.config.digest)).toBe(true)
    needTool(ctx, 'umoci')
    execFileSync('umoci', ['stat', '--image', `${dir}:keep:1`])
  })

  it('reports missing and malformed layouts with typed errors', async () => {
    await expect(openLayout(join(dir, 'none'))).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
    await openLayout(dir, {create: true})
    await writeFile(join(dir, 'index.json'), '{"schemaVersion": 2, "manifests": [')
    await expect(openLayout(dir)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_ARCHIVE'})
    await writeFile(join(dir, 'index.json'), '{"schemaVersion": 2, "manifests": [{"mediaType": "x/y", "digest": "sha256:abc", "size": 1}]}')
    await expect(openLayout(dir)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_ARCHIVE'})
    await writeFile(join(dir, 'oci-layout'), 'garbage')
    await expect(openLayout(dir)).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_ARCHIVE'})
  })
})

/**
 * Fault injection: the real registry behind a small loopback proxy (test/kit/registry-proxy.ts) that drops
 * connections mid-upload, answers 500s and 429s, loses answers, and caps request bodies at 4 MiB like GHCR.
 * Every push must complete, and skopeo (an independent client) must find exactly the right digest.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {isUploadData, nTimes, startFaultProxy, type FaultProxy, type ProxyRequest} from '../kit/registry-proxy.js'
import {buildTestImage, skopeoInspect, type TestImage} from '../kit/registry-image.js'
import {pullImageTo, pushImageFrom, type ProgressEvent, type PushOptions} from '../../src/registry/index.js'
import {SysbuildError} from '../../src/core/index.js'

const skip = registrySkipReason('skopeo', 'umoci')
if (skip) console.warn(`registry fault tests skipped: ${skip}`)

const MiB = 1 << 20
const fast: PushOptions['retry'] = {baseDelayMs: 20, maxDelayMs: 200}
const isPatch = (r: ProxyRequest) => r.method === 'PATCH'
const uploadId = (path: string) => /\/blobs\/uploads\/([^?/]+)/.exec(path)?.[1]

describe.skipIf(skip)('pushes survive a misbehaving network and registry', () => {
  let dir: string
  let reg: TestRegistry
  let proxy: FaultProxy
  let img: TestImage
  let n = 0
  /** A fresh repository per test, so no blob is already there. */
  const target = () => `${proxy.host}/faults/t${++n}:v1`
  const push = (ref: string, opts: PushOptions = {}) => pushImageFrom(`oci:${img.layout}:latest`, ref, {storeDir: join(dir, 'store'), retry: fast, ...opts})
  /** What the registry holds, asked directly (not through the proxy). */
  const heldDigest = async (ref: string) => (await skopeoInspect(ref.replace(proxy.host, reg.host))).Digest
  /** The digest of the image's largest layer (the 9 MiB random one). */
  const bigLayer = () => {
    const manifest = JSON.parse(readFileSync(join(img.layout, 'blobs', 'sha256', img.digest.slice(7)), 'utf8')) as {layers: {digest: string; size: number}[]}
    return [...manifest.layers].sort((a, b) => b.size - a.size)[0]!.digest
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-faults-'))
    img = buildTestImage(dir, {randomBytes: 9 * MiB})
    reg = await startRegistry()
    proxy = await startFaultProxy(reg.host)
  })
  afterEach(() => {
    proxy.setRule(undefined)
    proxy.log.length = 0
  })
  afterAll(async () => {
    await proxy?.stop()
    await reg?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('a connection dropped in the middle of a streamed upload: the push starts over and completes', async () => {
    proxy.setRule(nTimes(1, isPatch, {kind: 'drop-after', bytes: 3 * MiB}))
    const events: ProgressEvent[] = []
    const ref = target()
    // small blobs go up in one PUT, so the only PATCH is the 9 MiB layer's
    const r = await push(ref, {onProgress: (e) => events.push(e), monolithicMax: 2 * MiB})
    expect(r.digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    expect(proxy.log.some((l) => l.action === 'drop-after' && l.bytes === 3 * MiB && l.status === 0)).toBe(true)
    expect(events.some((e) => e.kind === 'retry')).toBe(true)
  })

  it('spec-chunked: a failed chunk is resumed from the registry\'s Range, not from byte 0', async () => {
    let patches = 0
    proxy.setRule((r) => (isPatch(r) && ++patches === 4 ? {kind: 'respond', status: 500} : undefined))
    const ref = target()
    const r = await push(ref, {chunkSize: MiB})
    expect(r.digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    const failed = proxy.log.findIndex((l) => l.status === 500)
    const session = uploadId(proxy.log[failed]!.path)
    const after = proxy.log.slice(failed + 1).filter((l) => uploadId(l.path) === session)
    // asked where the upload stands, then went on at the failed chunk's offset
    const status = after.find((l) => l.method === 'GET')
    expect(status?.status).toBe(204)
    const next = after.find((l) => l.method === 'PATCH')
    expect(next?.contentRange).toBe(proxy.log[failed]!.contentRange)
    expect(next?.contentRange).not.toMatch(/^0-/)
  })

  it('a connection dropped before a chunk reached the registry: resumed from Range', async () => {
    let patches = 0
    proxy.setRule((r) => (isPatch(r) && ++patches === 3 ? {kind: 'drop-after', bytes: 0} : undefined))
    const ref = target()
    expect((await push(ref, {chunkSize: MiB})).digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
  })

  it('500s on HEAD, POST, PATCH, PUT and the manifest are retried', async () => {
    const kinds = new Map<string, number>()
    proxy.setRule((r) => {
      const key = r.method + (r.path.includes('/manifests/') ? ' manifest' : '')
      const seen = kinds.get(key) ?? 0
      kinds.set(key, seen + 1)
      return seen < 2 && r.path !== '/v2/' ? {kind: 'respond', status: seen === 0 ? 500 : 503} : undefined
    })
    const ref = target()
    expect((await push(ref)).digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    const injected = proxy.log.filter((l) => l.action === 'respond').map((l) => `${l.method}${l.path.includes('/manifests/') ? ' manifest' : ''}`)
    for (const kind of ['HEAD', 'POST', 'PATCH', 'PUT', 'PUT manifest']) expect(injected).toContain(kind)
  })

  it('429 with Retry-After: waits as long as told, then completes', async () => {
    proxy.setRule(nTimes(1, (r) => r.method === 'POST', {kind: 'respond', status: 429, headers: {'retry-after': '1'}}))
    const ref = target()
    expect((await push(ref, {jobs: 1})).digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    const i = proxy.log.findIndex((l) => l.status === 429)
    const retry = proxy.log.slice(i + 1).find((l) => l.method === 'POST')!
    // the retry came no earlier than Retry-After said (a lower bound, not a timing measurement)
    expect(retry.at - proxy.log[i]!.at).toBeGreaterThanOrEqual(990)
  })

  it('a lost answer to the final PUT: the blob is found with HEAD and not uploaded again', async () => {
    proxy.setRule(nTimes(1, (r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.path.includes('digest='), {kind: 'drop-response'}))
    const ref = target()
    expect((await push(ref)).digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    expect(proxy.log.filter((l) => l.method === 'POST').length).toBe(3)
  })

  it('a registry that caps request bodies at 4 MiB: the streamed PATCH is refused, chunking takes over', async () => {
    proxy.setRule((r) => (isUploadData(r) ? {kind: 'cap', maxBytes: 4 * MiB} : undefined))
    const ref = target()
    expect((await push(ref)).digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    expect(proxy.log.some((l) => l.status === 416)).toBe(true)
    const accepted = proxy.log.filter((l) => isUploadData(l) && l.status >= 200 && l.status < 300)
    expect(Math.max(...accepted.map((l) => l.bytes))).toBeLessThanOrEqual(4 * MiB)
  })

  it('with --chunk-size 4 MiB a capping registry never has to refuse anything', async () => {
    proxy.setRule((r) => (isUploadData(r) ? {kind: 'cap', maxBytes: 4 * MiB} : undefined))
    const ref = target()
    expect((await push(ref, {chunkSize: 4 * MiB})).digest).toBe(img.digest)
    expect(await heldDigest(ref)).toBe(img.digest)
    expect(proxy.log.filter((l) => l.status === 416)).toEqual([])
  })

  it('a refused cross-repository mount falls back to uploading', async () => {
    const from = target()
    await push(from)
    const local = join(dir, 'store-mount')
    await pullImageTo(from, local, {retry: fast})
    proxy.log.length = 0
    proxy.setRule((r) => (r.method === 'POST' && r.path.includes('mount=') ? {kind: 'respond', status: 403, body: JSON.stringify({errors: [{code: 'DENIED', message: 'no mounts here'}]})} : undefined))
    const to = target()
    const r = await pushImageFrom(from, to, {storeDir: local, retry: fast})
    expect(r.blobs).toMatchObject({mounted: 0, uploaded: 3})
    expect(proxy.log.filter((l) => l.status === 403).length).toBe(3)
    expect(await heldDigest(to)).toBe(img.digest)
  })

  it('shows registry Warning headers (299) without acting on them', async () => {
    proxy.setRule(nTimes(1, (r) => r.method === 'HEAD', {kind: 'respond', status: 404, headers: {warning: '299 - "this registry retires soon"'}, body: ''}))
    const warnings: string[] = []
    expect((await push(target(), {onWarning: (w) => warnings.push(w)})).digest).toBe(img.digest)
    expect(warnings).toEqual([`${proxy.host}: this registry retires soon`])
  })

  it('a registry that stores the manifest under another digest: SYSBUILD_REGISTRY_PROTOCOL', async () => {
    const other = `sha256:${'0'.repeat(64)}`
    proxy.setRule((r) => (r.method === 'PUT' && r.path.includes('/manifests/') ? {kind: 'respond', status: 201, headers: {'docker-content-digest': other}, body: ''} : undefined))
    const err = await push(target()).catch((e: unknown) => e)
    expect((err as SysbuildError).code).toBe('SYSBUILD_REGISTRY_PROTOCOL')
    expect((err as SysbuildError).message).toContain(`stored the manifest as ${other}, not ${img.digest}`)
  })

  it('gives up with SYSBUILD_REGISTRY_UNAVAILABLE when the registry keeps failing', async () => {
    proxy.setRule((r) => (r.path === '/v2/' ? undefined : {kind: 'respond', status: 503}))
    const err = await push(target(), {retry: {attempts: 3, baseDelayMs: 10}}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SysbuildError)
    expect((err as SysbuildError).code).toBe('SYSBUILD_REGISTRY_UNAVAILABLE')
    expect((err as SysbuildError).message).toContain('HTTP 503')
  })

  it('pull: a connection dropped mid-blob is resumed with a Range request', async () => {
    const ref = target()
    await push(ref)
    proxy.log.length = 0
    proxy.setRule(nTimes(1, (r) => r.method === 'GET' && r.path.endsWith(`/blobs/${bigLayer()}`), {kind: 'cut-response', bytes: 2 * MiB}))
    const r = await pullImageTo(ref, join(dir, 'pulled'), {retry: fast, jobs: 1})
    expect(r.digest).toBe(img.digest)
    const cut = proxy.log.find((l) => l.action === 'cut-response')!
    const again = proxy.log.find((l) => l.path === cut.path && l !== cut)
    expect(again?.range).toMatch(/^bytes=\d+-$/)
    expect(again?.status).toBe(206)
  })
})

/**
 * Blob reads and existence checks: `HEAD` (does the repository have it?), a `GET` stream that resumes with a
 * `Range` request when the connection breaks mid-blob, and cross-repository mounts.
 */
import {Readable} from 'node:stream'
import {RegistryError, isTransientNetworkError} from './errors.js'
import {wait} from './http/retry.js'
import type {HttpResponse} from './http/transport.js'
import {apiPath, type Repository} from './repository.js'
import type {Descriptor} from '../image/model.js'

/** Whether the repository holds the blob (with the expected size, when the registry says). */
export async function hasRemoteBlob(repo: Repository, desc: Pick<Descriptor, 'digest' | 'size'>, scopes = repo.pull): Promise<boolean> {
  const res = await repo.client.request({
    method: 'HEAD',
    target: apiPath(repo, `blobs/${desc.digest}`),
    scopes,
    repository: repo.name,
    ok: [200, 404],
    what: `check blob ${desc.digest} in ${repo.display}`,
  })
  await res.discard()
  if (res.status !== 200) return false
  const length = res.header('content-length')
  return length === undefined || Number(length) === desc.size
}

export type MountResult = {readonly kind: 'mounted'} | {readonly kind: 'upload'; readonly location: URL} | {readonly kind: 'refused'}

/** `POST …/blobs/uploads/?mount=<digest>&from=<repo>`: 201 mounted, 202 + Location = go on uploading there. */
export async function mountBlob(repo: Repository, digest: string, from: string): Promise<MountResult> {
  const query = new URLSearchParams({mount: digest, from})
  let res: HttpResponse
  try {
    res = await repo.client.request({
      method: 'POST',
      target: apiPath(repo, `blobs/uploads/?${query.toString()}`),
      scopes: [...repo.push, `repository:${from}:pull`],
      repository: repo.name,
      ok: [201, 202],
      what: `mount blob ${digest} from ${from} into ${repo.display}`,
    })
  } catch (e) {
    // A refused mount (no access to `from`, unknown blob, unsupported) is not an error: upload instead.
    if (e instanceof RegistryError && e.code !== 'SYSBUILD_REGISTRY_UNREACHABLE' && e.code !== 'SYSBUILD_REGISTRY_UNAVAILABLE') return {kind: 'refused'}
    throw e
  }
  await res.discard()
  if (res.status === 201) return {kind: 'mounted'}
  const location = res.header('location')
  return location ? {kind: 'upload', location: new URL(location, res.url)} : {kind: 'refused'}
}

/**
 * The blob's bytes as one stream. When the connection breaks, the rest is asked for with `Range: bytes=N-`
 * (a registry answering 200 instead of 206 has the first N bytes skipped). The caller verifies the digest.
 */
export function openRemoteBlob(repo: Repository, desc: Pick<Descriptor, 'digest' | 'size'>, onBytes?: (n: number) => void): Readable {
  const what = `pull blob ${desc.digest} from ${repo.display}`
  const retry = repo.client.retry
  let body: Readable | undefined
  let offset = 0
  let attempt = 0
  // Chunks flow from the response straight into this stream ('data' events, paused while it is full): no
  // re-buffering, and a new response can take over after a break without the reader noticing.
  const out = new Readable({
    highWaterMark: 1 << 20,
    read() {
      body?.resume()
    },
    destroy(err, cb) {
      body?.destroy()
      cb(err)
    },
  })
  const broken = (e: unknown): void => {
    body = undefined
    if (out.destroyed) return
    if (!isTransientNetworkError(e)) {
      out.destroy(e instanceof Error ? e : new Error(String(e)))
      return
    }
    if (attempt >= retry.attempts) {
      out.destroy(new RegistryError('SYSBUILD_REGISTRY_UNAVAILABLE', `${what}: the connection kept breaking (${offset} of ${desc.size} bytes received)`, undefined, [], {}, e))
      return
    }
    wait(retry.delay(attempt)).then(connect).catch((err: unknown) => out.destroy(err as Error))
  }
  const connect = async (): Promise<void> => {
    attempt++
    const res = await repo.client.request({
      method: 'GET',
      target: apiPath(repo, `blobs/${desc.digest}`),
      headers: offset > 0 ? {range: `bytes=${offset}-`} : {},
      scopes: repo.pull,
      repository: repo.name,
      ok: offset > 0 ? [200, 206] : [200],
      what,
    })
    if (out.destroyed) return res.discard()
    let skip = res.status === 200 ? offset : 0
    const current = res.body
    body = current
    current.on('data', (chunk: Buffer) => {
      let b = chunk
      if (skip > 0) {
        const n = Math.min(skip, b.length)
        skip -= n
        b = b.subarray(n)
        if (b.length === 0) return
      }
      offset += b.length
      onBytes?.(b.length)
      if (!out.push(b)) current.pause()
    })
    current.once('error', broken)
    current.once('end', () => {
      // a response that ended short without an error (no Content-Length) is a break too
      if (offset < desc.size) broken(Object.assign(new Error('response ended early'), {code: 'ECONNRESET'}))
      else out.push(null)
    })
  }
  connect().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))))
  return out
}

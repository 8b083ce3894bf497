/**
 * Blob reads and existence checks: `HEAD` (does the repository have it?), a `GET` stream that resumes with a
 * `Range` request when the connection breaks mid-blob, and cross-repository mounts.
 */
import {PassThrough, type Readable} from 'node:stream'
import {RegistryError, isTransientNetworkError} from './errors.js'
import {wait} from './http/retry.js'
import type {HttpResponse} from './http/transport.js'
import {apiPath, type Repository} from './repository.js'
import type {Descriptor} from '../image/index.js'

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
  const out = new PassThrough({highWaterMark: 1 << 20})
  const what = `pull blob ${desc.digest} from ${repo.display}`
  const retry = repo.client.retry
  const run = async (): Promise<void> => {
    let offset = 0
    for (let attempt = 1; ; attempt++) {
      const res = await repo.client.request({
        method: 'GET',
        target: apiPath(repo, `blobs/${desc.digest}`),
        headers: offset > 0 ? {range: `bytes=${offset}-`} : {},
        scopes: repo.pull,
        repository: repo.name,
        ok: offset > 0 ? [200, 206] : [200],
        what,
      })
      let skip = res.status === 200 ? offset : 0
      try {
        for await (const chunk of res.body) {
          let b = chunk as Buffer
          if (skip > 0) {
            const n = Math.min(skip, b.length)
            skip -= n
            b = b.subarray(n)
            if (b.length === 0) continue
          }
          offset += b.length
          onBytes?.(b.length)
          if (!out.write(b)) await drained(out)
          if (out.destroyed) return
        }
        out.end()
        return
      } catch (e) {
        if (out.destroyed) return
        if (!isTransientNetworkError(e)) throw e
        if (attempt >= retry.attempts || offset >= desc.size) {
          throw new RegistryError('SYSBUILD_REGISTRY_UNAVAILABLE', `${what}: the connection kept breaking (${offset} of ${desc.size} bytes received)`, undefined, [], {}, e)
        }
        await wait(retry.delay(attempt))
      }
    }
  }
  void run().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))))
  return out
}

const drained = (s: PassThrough): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      s.off('drain', done)
      s.off('close', done)
      resolve()
    }
    s.once('drain', done)
    s.once('close', done)
  })

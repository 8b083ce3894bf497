/**
 * Blob uploads (distribution-spec "pushing blobs"), three ways:
 * - streamed (default): `POST` → one `PATCH` without Content-Range (chunked transfer encoding) → `PUT ?digest=`;
 * - spec-chunked (`chunkSize`, or after a registry refused a large PATCH with 413/416): `PATCH`es of at most
 *   chunkSize bytes with `Content-Range` and `Content-Length`, in order, then `PUT ?digest=`;
 * - monolithic for small blobs: `POST` → `PUT ?digest=` carrying the bytes.
 * After a failure (dropped connection, 5xx, 429, 416) the upload asks the registry where it stands
 * (`GET <location>` → `Range: 0-<last>`) and resumes from there, or starts a new session when the old one is
 * gone; a blob that turns out to be complete already (a lost answer to the final PUT) counts as uploaded.
 */
import {Transform, type Readable} from 'node:stream'
import {RegistryError} from './errors.js'
import {wait} from './http/retry.js'
import type {HttpResponse, RequestBody} from './http/transport.js'
import {hasRemoteBlob} from './blobs.js'
import {apiPath, type Repository} from './repository.js'
import type {Descriptor} from '../image/model.js'

export const DEFAULT_MONOLITHIC_MAX = 1 << 20
/** Chunk size used after a registry refused a streamed PATCH as too large (GHCR's cap). */
export const FALLBACK_CHUNK_SIZE = 4 << 20

/** Upload settings shared by the blobs of one push; learns when a registry caps request bodies. */
export class UploadPlan {
  private cappedAt: number | undefined
  constructor(
    readonly chunkSize?: number,
    readonly monolithicMax = DEFAULT_MONOLITHIC_MAX,
  ) {}
  /** Bytes per PATCH, or undefined for one streamed PATCH. */
  get chunk(): number | undefined {
    return this.chunkSize ?? this.cappedAt
  }
  /** A streamed PATCH was refused as too large: chunk from now on. */
  capped(): void {
    this.cappedAt ??= FALLBACK_CHUNK_SIZE
  }
}

export interface BlobOpener {
  /** A fresh stream of the blob's bytes from `offset` (unverified: the registry checks the digest at the end). */
  open(offset: number): Promise<Readable>
  /** Read the whole blob and throw SYSBUILD_IMAGE_DIGEST_MISMATCH when it does not match its digest. */
  verify(): Promise<void>
}

interface Session {
  location: URL
  offset: number
  minChunk: number
}

export type UploadEvent = {readonly kind: 'bytes'; readonly sent: number} | {readonly kind: 'retry'; readonly reason: string}

/** Upload one blob. `startAt` is an upload session a refused mount already opened. */
export async function uploadBlob(repo: Repository, desc: Descriptor, source: BlobOpener, plan: UploadPlan, onEvent: (e: UploadEvent) => void = () => {}, startAt?: URL): Promise<void> {
  const retry = repo.client.retry
  let session: Session | undefined = startAt ? {location: startAt, offset: 0, minChunk: 0} : undefined
  for (let attempt = 1; ; attempt++) {
    const streamed = plan.chunk === undefined && desc.size > plan.monolithicMax
    try {
      session ??= await startUpload(repo, desc)
      await sendRest(repo, desc, source, plan, session, onEvent)
      return
    } catch (e) {
      if (!(e instanceof RegistryError) || !recoverable(e) || attempt >= retry.attempts) throw e
      // The registry found the bytes do not hash to the digest: when the local copy is what is wrong, say so now.
      if (e.diagnostics.some((d) => d.code === 'DIGEST_INVALID')) await source.verify()
      onEvent({kind: 'retry', reason: e.message})
      if (streamed && session?.offset === 0 && (e.status === 413 || e.status === 416)) {
        // A registry that caps request bodies (GHCR: 4 MiB): chunk this and every later blob.
        plan.capped()
        session = undefined
        continue
      }
      if (await hasRemoteBlob(repo, desc, repo.push).catch(() => false)) return
      session = session && !isUploadGone(e) ? await uploadStatus(repo, desc, session) : undefined
      await wait(retry.delay(attempt, e.retryAfter))
    }
  }
}

const recoverable = (e: RegistryError): boolean =>
  e.code === 'SYSBUILD_REGISTRY_UNAVAILABLE' ||
  e.code === 'SYSBUILD_REGISTRY_UNREACHABLE' ||
  e.status === 416 ||
  e.status === 413 ||
  isUploadGone(e) ||
  e.diagnostics.some((d) => d.code === 'DIGEST_INVALID' || d.code === 'SIZE_INVALID')

/** The upload session is unknown or broken: start a new one. */
const isUploadGone = (e: RegistryError): boolean => e.diagnostics.some((d) => d.code === 'BLOB_UPLOAD_UNKNOWN' || d.code === 'BLOB_UPLOAD_INVALID' || d.code === 'DIGEST_INVALID' || d.code === 'SIZE_INVALID')

async function startUpload(repo: Repository, desc: Descriptor): Promise<Session> {
  const res = await repo.client.request({
    method: 'POST',
    target: apiPath(repo, 'blobs/uploads/'),
    scopes: repo.push,
    repository: repo.name,
    ok: [202],
    what: `start upload of ${desc.digest} to ${repo.display}`,
  })
  await res.discard()
  return {location: locationOf(res, 'POST blobs/uploads/'), offset: 0, minChunk: Number(res.header('oci-chunk-min-length') ?? 0) || 0}
}

/** Where the registry stands: `GET <location>` → 204 + `Range: 0-<last>`; undefined when the session is gone. */
async function uploadStatus(repo: Repository, desc: Descriptor, s: Session): Promise<Session | undefined> {
  try {
    const res = await repo.client.request({
      method: 'GET',
      target: s.location,
      scopes: repo.push,
      repository: repo.name,
      ok: [204],
      what: `check upload of ${desc.digest} to ${repo.display}`,
    })
    await res.discard()
    const m = /^(?:bytes=)?0-(\d+)$/.exec(res.header('range') ?? '')
    // "0-0" is what distribution says for an empty upload as well as for one byte: take the safe reading.
    const offset = m && m[1] !== '0' ? Number(m[1]) + 1 : 0
    return {location: res.header('location') ? locationOf(res, 'GET upload status') : s.location, offset, minChunk: s.minChunk}
  } catch {
    return undefined
  }
}

async function sendRest(repo: Repository, desc: Descriptor, source: BlobOpener, plan: UploadPlan, s: Session, onEvent: (e: UploadEvent) => void): Promise<void> {
  const what = `upload ${desc.digest} to ${repo.display}`
  onEvent({kind: 'bytes', sent: s.offset})
  if (s.offset === 0 && desc.size <= plan.monolithicMax) {
    const res = await data(repo, 'PUT', withDigest(s.location, desc.digest), {open: () => openSync(source, 0), length: desc.size}, {}, [201], what)
    await res.discard()
    onEvent({kind: 'bytes', sent: desc.size})
    return
  }
  const chunk = plan.chunk
  if (chunk !== undefined) {
    const size = Math.max(chunk, s.minChunk)
    const stream = await source.open(s.offset)
    try {
      for await (const piece of chunks(stream, size)) {
        const end = s.offset + piece.length - 1
        const res = await data(repo, 'PATCH', s.location, piece, {'content-range': `${s.offset}-${end}`}, [202], what)
        await res.discard()
        s.location = locationOf(res, 'PATCH')
        s.offset = end + 1
        onEvent({kind: 'bytes', sent: s.offset})
      }
    } finally {
      stream.destroy()
    }
  } else {
    const from = s.offset
    const open = (): Readable => counting(openSync(source, from), (n) => onEvent({kind: 'bytes', sent: from + n}))
    const headers: Record<string, string> = from > 0 ? {'content-range': `${from}-${desc.size - 1}`} : {}
    const res = await data(repo, 'PATCH', s.location, {open, ...(from > 0 ? {length: desc.size - from} : {})}, headers, [202], what)
    await res.discard()
    s.location = locationOf(res, 'PATCH')
    s.offset = desc.size
  }
  const done = await repo.client.request({method: 'PUT', target: withDigest(s.location, desc.digest), scopes: repo.push, repository: repo.name, ok: [201], what: `finish ${what}`, retry: false})
  await done.discard()
}

/** A data-carrying request: never re-sent by the client (the uploader resumes instead). */
function data(repo: Repository, method: 'PUT' | 'PATCH', target: URL, body: RequestBody, headers: Record<string, string>, ok: number[], what: string): Promise<HttpResponse> {
  return repo.client.request({method, target, body, headers: {'content-type': 'application/octet-stream', ...headers}, scopes: repo.push, repository: repo.name, ok, what, retry: false})
}

/** The session URL with `digest=` appended (keeping its query as given). */
export function withDigest(location: URL, digest: string): URL {
  const url = new URL(location)
  url.search = `${url.search ? `${url.search}&` : '?'}digest=${encodeURIComponent(digest)}`
  return url
}

function locationOf(res: HttpResponse, what: string): URL {
  const loc = res.header('location')
  if (!loc) throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `the registry answered ${what} without a Location header`, res.status)
  return new URL(loc, res.url)
}

/** Re-openable bodies are opened lazily by the transport; open() is async, so bridge it. */
function openSync(source: BlobOpener, offset: number): Readable {
  const t = new Transform({transform: (c, _e, cb) => cb(null, c)})
  source.open(offset).then((s) => {
    s.on('error', (e) => t.destroy(e))
    s.pipe(t)
  }, (e: unknown) => t.destroy(e as Error))
  return t
}

function counting(stream: Readable, onTotal: (n: number) => void): Readable {
  let n = 0
  const t = new Transform({
    highWaterMark: 1 << 20,
    transform(c: Buffer, _e, cb) {
      n += c.length
      onTotal(n)
      cb(null, c)
    },
  })
  stream.on('error', (e) => t.destroy(e))
  return stream.pipe(t)
}

/** Exactly `size`-byte pieces of a stream (the last one shorter). */
export async function* chunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = []
  let have = 0
  for await (const c of stream) {
    let b = c as Buffer
    while (have + b.length >= size) {
      const take = size - have
      parts.push(b.subarray(0, take))
      yield Buffer.concat(parts)
      parts = []
      have = 0
      b = b.subarray(take)
    }
    if (b.length > 0) {
      parts.push(b)
      have += b.length
    }
  }
  if (have > 0) yield Buffer.concat(parts)
}

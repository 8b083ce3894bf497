/**
 * Manifests and indexes on the wire: `GET` with an Accept list (verifying the bytes against the digest asked
 * for, or the one the registry names), `PUT` of the exact bytes with their media type (verifying the
 * `Docker-Content-Digest` the registry answers).
 */
import {RegistryError} from './errors.js'
import {apiPath, type Repository} from './repository.js'
import {MEDIA_TYPES, digestOfBytes, type Digest} from '../image/model.js'

export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.index,
  MEDIA_TYPES.manifest,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.dockerManifest,
].join(', ')

/** The spec's SHOULD-accept size; larger manifests are refused rather than buffered. */
export const MAX_MANIFEST_BYTES = 4 << 20

export interface FetchedManifest {
  readonly bytes: Buffer
  readonly mediaType: string
  readonly digest: Digest
}

export async function getManifest(repo: Repository, reference: string): Promise<FetchedManifest> {
  const what = `pull manifest ${reference} from ${repo.display}`
  const res = await repo.client.request({
    method: 'GET',
    target: apiPath(repo, `manifests/${reference}`),
    headers: {accept: MANIFEST_ACCEPT},
    scopes: repo.pull,
    repository: repo.name,
    ok: [200],
    what,
  })
  const declared = Number(res.header('content-length') ?? 0)
  if (declared > MAX_MANIFEST_BYTES) {
    await res.discard()
    throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${what}: the manifest is ${declared} bytes (more than ${MAX_MANIFEST_BYTES})`, 200)
  }
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of res.body) {
    n += (c as Buffer).length
    if (n > MAX_MANIFEST_BYTES) {
      res.body.destroy()
      throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${what}: the manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, 200)
    }
    chunks.push(c as Buffer)
  }
  const bytes = Buffer.concat(chunks)
  const digest = digestOfBytes(bytes)
  const expected = reference.includes(':') ? reference : res.header('docker-content-digest')
  if (expected?.startsWith('sha256:') && expected !== digest) {
    throw new RegistryError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${what}: the manifest hashes to ${digest}, expected ${expected}`, 200, [], {
      suggestions: ['The registry (or something between it and you) served altered content'],
    })
  }
  const mediaType = mediaTypeOf(bytes, res.header('content-type'))
  return {bytes, mediaType, digest}
}

/** The manifest's own `mediaType` wins; else the Content-Type; else guessed from its shape. */
export function mediaTypeOf(bytes: Buffer, contentType: string | undefined): string {
  let doc: {mediaType?: unknown; manifests?: unknown; layers?: unknown} = {}
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc
  } catch {
    throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', 'the registry served a manifest that is not JSON', 200)
  }
  if (typeof doc.mediaType === 'string' && doc.mediaType) return doc.mediaType
  const ct = contentType?.split(';')[0]?.trim()
  if (ct && ct !== 'application/json' && ct !== 'text/plain') return ct
  return Array.isArray(doc.manifests) ? MEDIA_TYPES.index : MEDIA_TYPES.manifest
}

/** PUT the exact bytes under `reference` (tag or digest); returns the digest after checking the registry's. */
export async function putManifest(repo: Repository, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
  const digest = digestOfBytes(bytes)
  const what = `push manifest ${reference === digest ? digest : `${reference} (${digest})`} to ${repo.display}`
  const res = await repo.client.request({
    method: 'PUT',
    target: apiPath(repo, `manifests/${reference}`),
    headers: {'content-type': mediaType},
    body: bytes,
    scopes: repo.push,
    repository: repo.name,
    ok: [200, 201],
    what,
  })
  await res.discard()
  const answered = res.header('docker-content-digest')
  if (answered && answered !== digest) {
    throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${what}: the registry stored the manifest as ${answered}, not ${digest}`, res.status, [], {
      suggestions: ['The registry rewrote the manifest; it will not be found under the digest sysbuild computed'],
    })
  }
  return digest
}

/**
 * Push an image to a registry: every distinct blob (config and layers, `jobs` at a time) is checked with
 * `HEAD` and skipped when present, mounted from another repository of the same registry when one is known to
 * hold it, or uploaded; then the manifests, children before the index, with their exact bytes and media type.
 */
import {createReadStream} from 'node:fs'
import type {Readable} from 'node:stream'
import {SysbuildError} from '../core/index.js'
import type {Descriptor, Digest} from '../image/model.js'
import {hasRemoteBlob, mountBlob} from './blobs.js'
import {RegistryClient, type ClientOptions} from './client.js'
import {walkImage} from './image-walk.js'
import {putManifest} from './manifests.js'
import {candidatesFor, mountSources} from './mount-sources.js'
import {runPool} from './pool.js'
import type {ProgressEvent} from './progress.js'
import {formatReference, parseReference, type Reference} from './reference.js'
import {repository, type Repository} from './repository.js'
import {openImageSource, type ImageSource, type OpenImageSourceOptions} from './source.js'
import {UploadPlan, uploadBlob, type BlobOpener} from './upload.js'

export const DEFAULT_JOBS = 4

export interface PushOptions extends ClientOptions {
  /** Blobs in flight at once (default 4). */
  readonly jobs?: number
  /** Spec-chunked uploads with chunks of this many bytes (default: one streamed PATCH per blob). */
  readonly chunkSize?: number
  /** Blobs up to this size go up in one PUT (default 1 MiB). */
  readonly monolithicMax?: number
  /** Repositories of the target registry to try cross-repository mounts from, besides those the local store knows. */
  readonly mountFrom?: readonly string[]
  readonly onProgress?: (e: ProgressEvent) => void
}

export interface PushResult {
  /** The reference pushed to, fully qualified. */
  readonly reference: string
  readonly digest: Digest
  readonly mediaType: string
  readonly size: number
  readonly blobs: {readonly uploaded: number; readonly mounted: number; readonly skipped: number; readonly bytesUploaded: number}
}

type BlobOutcome = {readonly how: 'skipped' | 'mounted' | 'uploaded'; readonly bytes: number}

export async function pushImage(source: ImageSource, target: string | Reference, opts: PushOptions = {}): Promise<PushResult> {
  const ref = typeof target === 'string' ? parseReference(target) : target
  const parts = await walkImage(source.store, source.root, source.name)
  const root = parts.manifests[parts.manifests.length - 1]
  if (!root) throw new SysbuildError('SYSBUILD_CORE_BUG', 'an image walk returned no root manifest')
  if (ref.digest !== undefined && ref.digest !== root.descriptor.digest) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `cannot push ${source.name} as ${formatReference(ref)}: the image's digest is ${root.descriptor.digest}`)
  }
  const client = new RegistryClient(ref.registry, opts)
  try {
    const repo = repository(client, ref.repository)
    const progress = opts.onProgress ?? (() => {})
    const sources = source.local ? await mountSources(source.store, ref.registry, ref.repository) : new Map<string, string[]>()
    const plan = new UploadPlan(opts.chunkSize, opts.monolithicMax)
    const outcomes = await runPool(parts.blobs, opts.jobs ?? DEFAULT_JOBS, (blob) =>
      pushBlob(repo, source, blob, plan, candidatesFor(sources, blob.digest, opts.mountFrom ?? [], ref.repository), progress))
    for (const m of parts.manifests) {
      const isRoot = m === root
      const tagOrDigest = isRoot ? (ref.tag ?? m.descriptor.digest) : m.descriptor.digest
      await putManifest(repo, tagOrDigest, m.bytes, m.mediaType)
      progress({kind: 'manifest', digest: m.descriptor.digest, reference: isRoot ? formatReference(ref) : m.descriptor.digest, state: 'pushed'})
    }
    const count = (how: BlobOutcome['how']) => outcomes.filter((o) => o.how === how).length
    return {
      reference: formatReference(ref),
      digest: root.descriptor.digest,
      mediaType: root.mediaType,
      size: root.bytes.length,
      blobs: {uploaded: count('uploaded'), mounted: count('mounted'), skipped: count('skipped'), bytesUploaded: outcomes.reduce((n, o) => n + o.bytes, 0)},
    }
  } finally {
    await client.close()
  }
}

async function pushBlob(repo: Repository, source: ImageSource, blob: Descriptor, plan: UploadPlan, mountFrom: readonly string[], progress: (e: ProgressEvent) => void): Promise<BlobOutcome> {
  const event = (state: 'checking' | 'exists' | 'mounted' | 'uploading' | 'uploaded', extra: {bytes?: number; from?: string} = {}) =>
    progress({kind: 'blob', digest: blob.digest, size: blob.size, state, ...extra})
  event('checking')
  if (await hasRemoteBlob(repo, blob, repo.push)) {
    event('exists')
    return {how: 'skipped', bytes: 0}
  }
  let startAt: URL | undefined
  for (const from of mountFrom) {
    const mounted = await mountBlob(repo, blob.digest, from)
    if (mounted.kind === 'mounted') {
      event('mounted', {from})
      return {how: 'mounted', bytes: 0}
    }
    if (mounted.kind === 'upload') {
      startAt = mounted.location
      break
    }
  }
  let sent = 0
  await uploadBlob(repo, blob, blobOpener(source, blob), plan, (e) => {
    if (e.kind === 'bytes') {
      sent = e.sent
      event('uploading', {bytes: e.sent})
    } else progress({kind: 'retry', digest: blob.digest, reason: e.reason})
  }, startAt)
  event('uploaded', {bytes: blob.size})
  return {how: 'uploaded', bytes: Math.max(sent, blob.size)}
}

/**
 * The blob straight from its file. Uploads do not hash it on the way (the registry verifies the digest the final
 * PUT names, and hashing here too costs a fifth of the push time); when the registry says DIGEST_INVALID, `verify`
 * tells a corrupt local blob from a transfer problem.
 */
function blobOpener(source: ImageSource, blob: Descriptor): BlobOpener {
  return {
    async open(offset: number): Promise<Readable> {
      const info = await source.store.statBlob(blob.digest)
      // missing or of the wrong size: the store's own reader says so (SYSBUILD_IMAGE_NOT_FOUND / _DIGEST_MISMATCH)
      if (info?.size !== blob.size) return source.store.openBlob(blob.digest, blob.size)
      return createReadStream(source.store.blobPath(blob.digest), {start: offset, highWaterMark: 1 << 20})
    },
    async verify(): Promise<void> {
      for await (const _ of await source.store.openBlob(blob.digest, blob.size)) {
        // reading to the end is the check
      }
    },
  }
}

/**
 * Push the image `spec` names (local store name, `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`,
 * `docker-archive:FILE[:NAME:TAG]`, `docker-daemon:NAME[:TAG]` with `dockerSave`) to `target`.
 */
export async function pushImageFrom(spec: string, target: string, opts: PushOptions & OpenImageSourceOptions): Promise<PushResult> {
  const ref = parseReference(target)
  const source = await openImageSource(spec, {storeDir: opts.storeDir, dockerSave: opts.dockerSave})
  try {
    return await pushImage(source, ref, opts)
  } finally {
    await source.dispose()
  }
}

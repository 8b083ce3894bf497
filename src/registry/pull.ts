/**
 * Pull an image into a store: the manifest (from an index, the one for the wanted platform), then config and
 * layers (`jobs` at a time), each streamed into the store, which hashes and counts while writing and only
 * renames a blob into place when it matches its descriptor. The manifest lands after its blobs and the name
 * last, so a failed pull leaves no name pointing at a partial image and no partial blob.
 */
import {SysbuildError} from '../core/index.js'
import {isDigest, isIndexMediaType, isManifestMediaType, openLayout, type Descriptor, type Digest, type ImageStore, type Platform} from '../image/model.js'
import {openRemoteBlob} from './blobs.js'
import {RegistryClient, type ClientOptions} from './client.js'
import {RegistryError} from './errors.js'
import {getManifest, type FetchedManifest} from './manifests.js'
import {formatPlatform, parsePlatform, selectManifest} from './platform.js'
import {runPool} from './pool.js'
import type {ProgressEvent} from './progress.js'
import {formatReference, manifestReference, parseReference, type Reference} from './reference.js'
import {repository, type Repository} from './repository.js'

export interface PullOptions extends ClientOptions {
  /** `os/arch[/variant]` or a platform; default: the host's. */
  readonly platform?: string | Platform
  readonly jobs?: number
  readonly onProgress?: (e: ProgressEvent) => void
}

export interface PullResult {
  /** The name the image is stored under (the fully qualified reference). */
  readonly reference: string
  /** The stored manifest's digest. */
  readonly digest: Digest
  readonly mediaType: string
  /** The digest of the index the manifest was picked from, when the reference named an index. */
  readonly indexDigest?: Digest
  readonly platform?: string
  readonly blobs: {readonly downloaded: number; readonly present: number; readonly bytesDownloaded: number}
}

const MAX_NESTING = 3

/** Pull into `store` (or the store `openStore` opens once the registry has answered, so a failed pull creates nothing). */
export async function pullImage(reference: string | Reference, store: ImageStore | (() => Promise<ImageStore>), opts: PullOptions = {}): Promise<PullResult> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference
  const platform = typeof opts.platform === 'object' ? opts.platform : parsePlatform(opts.platform)
  const progress = opts.onProgress ?? (() => {})
  const client = new RegistryClient(ref.registry, opts)
  try {
    const repo = repository(client, ref.repository)
    let fetched = await getManifest(repo, manifestReference(ref))
    let indexDigest: Digest | undefined
    let chosen: Descriptor | undefined
    for (let depth = 0; isIndexMediaType(fetched.mediaType); depth++) {
      if (depth >= MAX_NESTING) throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${formatReference(ref)}: indexes nested too deeply`, undefined)
      indexDigest ??= fetched.digest
      const manifests = descriptorsOf(parseJson(fetched).manifests, `${formatReference(ref)} index ${fetched.digest}`)
      chosen = selectManifest(manifests, platform, `${formatReference(ref)} (index ${fetched.digest})`)
      fetched = await getManifest(repo, chosen.digest)
      if (fetched.digest !== chosen.digest) throw new SysbuildError('SYSBUILD_CORE_BUG', 'manifest fetched by digest has another digest')
    }
    if (!isManifestMediaType(fetched.mediaType)) {
      throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${formatReference(ref)} is a ${fetched.mediaType}, not an image manifest or index`, undefined)
    }
    const doc = parseJson(fetched)
    const what = `${formatReference(ref)} manifest ${fetched.digest}`
    const config = descriptorsOf([doc.config], `${what} config`)[0] as Descriptor
    const layers = descriptorsOf(doc.layers ?? [], `${what} layers`)
    const blobs = [config, ...layers].filter((d, i, all) => all.findIndex((x) => x.digest === d.digest) === i)
    const target = typeof store === 'function' ? await store() : store
    const outcomes = await runPool(blobs, opts.jobs ?? 4, (d) => pullBlob(repo, target, d, progress))
    const manifestDesc: Descriptor = {
      mediaType: fetched.mediaType,
      digest: fetched.digest,
      size: fetched.bytes.length,
      ...(chosen?.platform ? {platform: chosen.platform} : {}),
    }
    await target.putBlob(fetched.bytes, {digest: fetched.digest, size: fetched.bytes.length})
    const name = formatReference(ref)
    await target.tag(name, manifestDesc)
    progress({kind: 'manifest', digest: fetched.digest, reference: name, state: 'pulled'})
    return {
      reference: name,
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      ...(indexDigest ? {indexDigest, platform: formatPlatform(chosen?.platform ?? platform)} : {}),
      blobs: {
        downloaded: outcomes.filter((o) => !o.present).length,
        present: outcomes.filter((o) => o.present).length,
        bytesDownloaded: outcomes.reduce((n, o) => n + o.bytes, 0),
      },
    }
  } finally {
    await client.close()
  }
}

async function pullBlob(repo: Repository, store: ImageStore, d: Descriptor, progress: (e: ProgressEvent) => void): Promise<{present: boolean; bytes: number}> {
  const have = await store.statBlob(d.digest)
  if (have && have.size === d.size) {
    progress({kind: 'blob', digest: d.digest, size: d.size, state: 'exists'})
    return {present: true, bytes: 0}
  }
  let got = 0
  progress({kind: 'blob', digest: d.digest, size: d.size, state: 'downloading', bytes: 0})
  const stream = openRemoteBlob(repo, d, (n) => {
    got += n
    progress({kind: 'blob', digest: d.digest, size: d.size, state: 'downloading', bytes: got})
  })
  try {
    await store.putBlob(stream, {digest: d.digest, size: d.size})
  } catch (e) {
    stream.destroy()
    if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_DIGEST_MISMATCH') {
      throw new RegistryError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${repo.display}: blob ${d.digest} does not match its descriptor (${e.message}); nothing of it was stored`, undefined, [], {
        suggestions: ['The registry holds a corrupt blob, or something between it and you altered it'],
      }, e)
    }
    throw e
  }
  progress({kind: 'blob', digest: d.digest, size: d.size, state: 'downloaded'})
  return {present: false, bytes: got}
}

interface ManifestDoc {
  manifests?: unknown
  config?: unknown
  layers?: unknown[]
}

function parseJson(m: FetchedManifest): ManifestDoc {
  try {
    const doc = JSON.parse(m.bytes.toString('utf8')) as unknown
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as ManifestDoc
  } catch {
    // fall through
  }
  throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `manifest ${m.digest} is not a JSON object`, undefined)
}

/** Descriptors from a registry document, refusing anything that could escape the store (bad digests, sizes). */
function descriptorsOf(list: unknown, what: string): Descriptor[] {
  if (!Array.isArray(list)) throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${what}: not a list of descriptors`, undefined)
  return list.map((d: unknown, i) => {
    const x = d as Partial<Descriptor> | null
    if (!x || typeof x.mediaType !== 'string' || !isDigest(x.digest) || !Number.isSafeInteger(x.size) || (x.size ?? -1) < 0) {
      throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${what}[${i}] is not a valid sha256 descriptor`, undefined)
    }
    return x as Descriptor
  })
}

/** Pull into the OCI layout at `storeDir` (created on first use). */
export async function pullImageTo(reference: string, storeDir: string, opts: PullOptions = {}): Promise<PullResult> {
  const ref = parseReference(reference)
  return pullImage(ref, () => openLayout(storeDir, {create: true}), opts)
}

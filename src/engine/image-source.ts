/**
 * Find the image an install or update names, and describe it as the engine needs it:
 * reference, manifest digest (the image id), config, labels and re-openable layers.
 *
 * Accepted: `oci-layout:DIR[:TAG]` (an OCI image layout on disk), names in the local
 * store (`hello-world`, `hello-world:1`; a missing tag means `latest`), and registry
 * references, pulled into the local store when it does not have them yet.
 */
import {resolve} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {
  isIndexMediaType, isManifestMediaType, layerCompression, openLayout, parseDigest, type Descriptor, type Digest,
  type ImageConfig, type ImageIndex, type ImageManifest, type ImageStore,
} from '../image/index.js'
import type {CachedLayerSource} from './layers/layer-cache.js'
import {hasRegistryComponent} from './names.js'
import {imageStoreDir, openLocalStore} from './store-path.js'

export interface ResolvedImage {
  /** The reference as the user gave it (IMAGE_NAME; `oci-layout:` paths made absolute). */
  readonly reference: string
  /** Manifest digest: IMAGE_ID is its hex part. */
  readonly manifestDigest: Digest
  readonly manifest: ImageManifest
  readonly config: ImageConfig
  readonly labels: Readonly<Record<string, string>>
  /** Layers, lowest first. */
  readonly layers: readonly CachedLayerSource[]
  /** Where the image was found. */
  readonly source: 'oci-layout' | 'local-store' | 'registry'
}

export interface ResolveImageOptions {
  /** --root (the local store lives under it). */
  readonly root?: string
}

const OCI_LAYOUT = 'oci-layout:'

const notFound = (reference: string, extra = ''): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `Image ${reference} not found${extra}`, {
    suggestions: ['sysbuild images lists the local store', 'sysbuild build or sysbuild pull puts an image there', 'oci-layout:DIR[:TAG] installs from an OCI layout'],
  })

/** Resolve `reference` to a stored image. Unknown → SYSBUILD_IMAGE_NOT_FOUND (`Image X not found`). */
export async function resolveImage(reference: string, opts: ResolveImageOptions = {}): Promise<ResolvedImage> {
  if (reference.startsWith(OCI_LAYOUT)) {
    const rest = reference.slice(OCI_LAYOUT.length)
    const colon = rest.lastIndexOf(':')
    const hasTag = colon > rest.lastIndexOf('/')
    const dir = resolve(hasTag ? rest.slice(0, colon) : rest)
    const tag = hasTag ? rest.slice(colon + 1) : undefined
    const store = await openLayout(dir)
    const index = await store.readIndex()
    const desc = tag !== undefined ? await store.resolve(tag) : index.manifests.length === 1 ? index.manifests[0] : await store.resolve('latest')
    if (!desc) throw notFound(reference, tag === undefined ? ` (give a tag: ${OCI_LAYOUT}${dir}:TAG)` : '')
    return describeImage(store, desc, `${OCI_LAYOUT}${dir}${hasTag ? `:${tag}` : ''}`, 'oci-layout')
  }
  const remote = registryReference(reference)
  // Looking an image up never creates the store; pulling does.
  const existing = await openLayout(imageStoreDir({root: opts.root})).catch((e: unknown) => {
    if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_NOT_FOUND') return undefined
    throw e
  })
  const desc = existing && (await findInStore(existing, remote?.name ?? reference))
  if (existing && desc) return describeImage(existing, desc, reference, 'local-store')
  if (!remote) throw notFound(reference)
  const store = existing ?? (await openLocalStore({root: opts.root}))
  // atomic pulled into local storage first (§9 step 4); so does sysbuild.
  // The registry client loads only when an image really comes from a registry.
  const {keychain, pullImage} = await import('../registry/index.js')
  const pulled = await pullImage(remote.name, store, {...(remote.plainHttp ? {plainHttp: true} : {}), credentials: keychain()})
  const stored = await store.resolve(pulled.reference)
  if (!stored) throw notFound(reference)
  return describeImage(store, stored, reference, 'registry')
}

/**
 * A reference to pull when the store does not have it: atomic's spellings (`oci:` and
 * `https:` = registry, `http:` = plain-HTTP registry), `docker://`, or a name whose first
 * component is a registry (Docker's rule: has `.` or `:`, or is localhost).
 */
export function registryReference(reference: string): {name: string; plainHttp: boolean} | undefined {
  const m = /^(oci|https?|docker):(\/\/)?(.*)$/.exec(reference)
  if (m && m[1] !== 'docker') return {name: m[3]!, plainHttp: m[1] === 'http'}
  if (m && m[2]) return {name: m[3]!, plainHttp: false}
  return hasRegistryComponent(reference) ? {name: reference, plainHttp: false} : undefined
}

/** A name in the local store: exact, else with `:latest`, else a manifest digest. */
export async function findInStore(store: ImageStore, reference: string): Promise<Descriptor | undefined> {
  if (reference.startsWith('sha256:')) return store.resolve(parseDigest(reference, 'image id'))
  const exact = await store.resolve(reference)
  if (exact) return exact
  const last = reference.slice(reference.lastIndexOf('/') + 1)
  return last.includes(':') ? undefined : store.resolve(`${reference}:latest`)
}

const GOARCH: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'}
export const hostArchitecture = (): string => GOARCH[process.arch] ?? process.arch

async function describeImage(store: ImageStore, desc: Descriptor, reference: string, source: ResolvedImage['source']): Promise<ResolvedImage> {
  let target = desc
  if (isIndexMediaType(desc.mediaType)) {
    const index = await store.readJson<ImageIndex>(desc.digest, desc.size)
    const arch = hostArchitecture()
    const pick = index.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? (index.manifests.length === 1 ? index.manifests[0] : undefined)
    if (!pick) throw notFound(reference, ` for linux/${arch}`)
    target = pick
  }
  if (!isManifestMediaType(target.mediaType)) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${reference} points at ${target.mediaType}, not an image manifest`)
  }
  const manifest = await store.readJson<ImageManifest>(target.digest, target.size)
  if (!manifest?.config?.digest || !Array.isArray(manifest.layers)) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `The manifest ${target.digest} of ${reference} has no config or layers`)
  }
  const config = await store.readJson<ImageConfig>(manifest.config.digest, manifest.config.size)
  const diffIds = Array.isArray(config?.rootfs?.diff_ids) ? config.rootfs.diff_ids : []
  const layers = manifest.layers.map((layer, i): CachedLayerSource => {
    const compression = layerCompression(layer.mediaType)
    if (!compression) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `Layer ${layer.digest} of ${reference} has the unsupported media type ${layer.mediaType}`)
    const diffId = diffIds[i]
    return {
      digest: layer.digest,
      ...(diffId ? {diffId: parseDigest(diffId, `diff_id ${i} of ${reference}`)} : {}),
      compression,
      open: () => store.openBlob(layer.digest, layer.size),
    }
  })
  return {reference, manifestDigest: target.digest, manifest, config, labels: config?.config?.Labels ?? {}, layers, source}
}

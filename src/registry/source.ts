/**
 * What `push` reads from: an image in the local store (by name, `name:tag`, the full registry name `pull`
 * stored it under, or a manifest digest), an OCI layout (`oci:DIR[:TAG]`, also spelled `oci-layout:`), or an
 * oci-archive (`oci-archive:FILE[:TAG]`, unpacked into a temporary layout with every blob verified). Other
 * transports (docker-archive:, docker-daemon:) are refused as usage errors: converting them changes the digest.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {resolve} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {openLayout, parseDigest, type Descriptor, type ImageStore} from '../image/index.js'
import {unpackOciArchive} from './archive-source.js'
import {formatReference, parseReference} from './reference.js'

export interface ImageSource {
  /** The name as given (for messages). */
  readonly name: string
  readonly store: ImageStore
  readonly root: Descriptor
  /** Whether `store` is the local store (its other images name repositories blobs can be mounted from). */
  readonly local: boolean
  /** Remove temporary files (an unpacked archive). */
  dispose(): Promise<void>
}

/** Split `DIR[:TAG]`: a colon after the last slash starts the tag. */
export function splitPathTag(spec: string): {path: string; tag?: string} {
  const colon = spec.lastIndexOf(':')
  return colon > spec.lastIndexOf('/') ? {path: spec.slice(0, colon), tag: spec.slice(colon + 1)} : {path: spec}
}

const notFound = (name: string, extra: string[] = []): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `image ${name} not found`, {
    suggestions: [...extra, 'sysbuild build and sysbuild pull put images into the local store; oci:DIR[:TAG] and oci-archive:FILE[:TAG] name others'],
  })

/** Transports other commands read that push does not (they would change the image's digest). */
const OTHER_TRANSPORT = /^(docker-archive|docker-daemon|docker):/

const unsupportedTransport = (spec: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${spec}: push reads only the local store, oci:DIR[:TAG] and oci-archive:FILE[:TAG]`, {
    suggestions: ['sysbuild build -o oci-archive:FILE writes an oci-archive', 'skopeo copy docker-archive:FILE oci:DIR:TAG converts a docker-archive'],
  })

/** The image in a layout: by tag, by digest, or the only (or `latest`) entry. */
async function rootIn(store: ImageStore, tag: string | undefined, shown: string): Promise<Descriptor> {
  if (tag !== undefined) {
    const d = await store.resolve(tag.startsWith('sha256:') ? parseDigest(tag) : tag)
    if (!d) throw notFound(shown, [`Names in it: ${(await store.listRefs()).map((r) => r.ref).join(', ') || '(none)'}`])
    return d
  }
  const index = await store.readIndex()
  const only = index.manifests.length === 1 ? index.manifests[0] : await store.resolve('latest')
  if (!only) throw notFound(shown, [`${shown} holds ${index.manifests.length} images: append :TAG`])
  return only
}

export async function openImageSource(spec: string, opts: {readonly storeDir: string}): Promise<ImageSource> {
  const none = async (): Promise<void> => {}
  for (const prefix of ['oci:', 'oci-layout:']) {
    if (!spec.startsWith(prefix)) continue
    const {path, tag} = splitPathTag(spec.slice(prefix.length))
    const store = await openLayout(resolve(path))
    return {name: spec, store, root: await rootIn(store, tag, spec), local: false, dispose: none}
  }
  if (spec.startsWith('oci-archive:')) {
    const {path, tag} = splitPathTag(spec.slice('oci-archive:'.length))
    const dir = await mkdtemp(resolve(tmpdir(), 'sysbuild-push-'))
    const dispose = () => rm(dir, {recursive: true, force: true})
    try {
      const store = await unpackOciArchive(resolve(path), dir, spec)
      return {name: spec, store, root: await rootIn(store, tag, spec), local: false, dispose}
    } catch (e) {
      await dispose()
      throw e
    }
  }
  const store = await openLayout(opts.storeDir, {create: true})
  const root = await findLocal(store, spec)
  if (!root) throw OTHER_TRANSPORT.test(spec) ? unsupportedTransport(spec) : notFound(spec)
  return {name: spec, store, root, local: true, dispose: none}
}

/** A local-store name: exact, `:latest` added, a manifest digest, or the normalised registry name. */
export async function findLocal(store: ImageStore, name: string): Promise<Descriptor | undefined> {
  if (name.startsWith('sha256:')) return store.resolve(parseDigest(name, 'image id'))
  const exact = await store.resolve(name)
  if (exact) return exact
  const last = name.slice(name.lastIndexOf('/') + 1)
  if (!last.includes(':') && !name.includes('@')) {
    const latest = await store.resolve(`${name}:latest`)
    if (latest) return latest
  }
  try {
    return await store.resolve(formatReference(parseReference(name)))
  } catch {
    return undefined
  }
}

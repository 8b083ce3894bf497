/**
 * What `push` reads from: an image in the local store (by name, `name:tag`, the full registry name `pull`
 * stored it under, or a manifest digest), an OCI layout (`oci:DIR[:TAG]`, also spelled `oci-layout:`), an
 * oci-archive (`oci-archive:FILE[:TAG]`, unpacked into a temporary layout with every blob verified and pushed
 * byte for byte), a docker-archive (`docker-archive:FILE[:NAME:TAG]`) or a Docker daemon's image
 * (`docker-daemon:NAME[:TAG]`, through the `dockerSave` stream the caller provides). A docker-archive holds no
 * registry manifest, so there is no digest to keep: it is read into a temporary layout, config and layers as they
 * are (never recompressed), with a new OCI manifest (docker-archive-source.ts), like `skopeo copy docker-archive:`.
 * `docker://` is a registry, not a source: refused as a usage error.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {resolve} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {openLayout, parseDigest, type Descriptor, type ImageStore} from '../image/model.js'
import type {DockerSave} from './docker-archive-source.js'
import {formatReference, parseReference, withDefaultTag} from './reference.js'

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
    suggestions: [...extra, 'sysbuild build and sysbuild pull put images into the local store; oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] and docker-daemon:NAME[:TAG] name others'],
  })

/** A transport other commands read that push does not: `docker://` names a registry (the destination's kind). */
const OTHER_TRANSPORT = /^docker:/

const unsupportedTransport = (spec: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${spec}: push reads the local store, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] and docker-daemon:NAME[:TAG]`, {
    suggestions: ['sysbuild pull REGISTRY/NAME:TAG puts a registry image into the local store'],
  })

const invalidSpec = (spec: string, why: string): SysbuildError => new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${spec}: ${why}`)

export interface OpenImageSourceOptions {
  /** The local store (names without a transport). */
  readonly storeDir: string
  /** `docker save NAME` of the Docker daemon, for `docker-daemon:` (the command layer provides it). */
  readonly dockerSave?: DockerSave
}

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

export async function openImageSource(spec: string, opts: OpenImageSourceOptions): Promise<ImageSource> {
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
      const {unpackOciArchive} = await import('./archive-source.js')
      const store = await unpackOciArchive(resolve(path), dir, spec)
      return {name: spec, store, root: await rootIn(store, tag, spec), local: false, dispose}
    } catch (e) {
      await dispose()
      throw e
    }
  }
  if (spec.startsWith('docker-archive:')) {
    // FILE[:NAME:TAG]: the first colon ends the path (a RepoTag has colons and slashes of its own), as for build --from.
    const rest = spec.slice('docker-archive:'.length)
    const colon = rest.indexOf(':')
    const path = colon === -1 ? rest : rest.slice(0, colon)
    const ref = colon === -1 ? undefined : rest.slice(colon + 1)
    if (!path) throw invalidSpec(spec, 'the path is empty')
    if (ref === '') throw invalidSpec(spec, 'the NAME:TAG after the path is empty')
    const {dockerArchiveFile, openDockerArchiveSource} = await import('./docker-archive-source.js')
    return openDockerArchiveSource(await dockerArchiveFile(resolve(path)), {ref, shown: spec})
  }
  if (spec.startsWith('docker-daemon:')) {
    const name = spec.slice('docker-daemon:'.length)
    if (!name) throw invalidSpec(spec, 'docker-daemon: needs a NAME[:TAG]')
    const save = opts.dockerSave
    if (!save) throw new SysbuildError('SYSBUILD_CORE_BUG', `${spec}: openImageSource was called without a dockerSave function to read a docker-daemon: image`)
    const tagged = withDefaultTag(name)
    // `docker save NAME:TAG` holds that one image: no RepoTag to pick (an image saved by digest has none).
    const {openDockerArchiveSource} = await import('./docker-archive-source.js')
    return openDockerArchiveSource(() => save(tagged), {shown: spec})
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

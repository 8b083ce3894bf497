/**
 * A docker-archive (`docker save`, `skopeo copy … docker-archive:`) as an OCI image in a store. Such an archive
 * holds no registry manifest (only manifest.json: a config file and layer tars per image), so one is written:
 * the config bytes as they are (digest = Docker's image id), the layers as they are (never recompressed), each
 * with the OCI media type of its bytes (`…layer.v1.tar` uncompressed, `…tar+gzip`, `…tar+zstd`), and every
 * layer's uncompressed digest checked against the config's rootfs.diff_ids. An archive with several images is
 * read by RepoTag (`docker-archive:FILE:NAME:TAG`).
 */
import {Readable, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import * as zlib from 'node:zlib'
import {SysbuildError} from '../../core/index.js'
import {DigestCounter, type Digest} from '../digest.js'
import {MEDIA_TYPES} from '../media-types.js'
import type {Descriptor} from '../descriptor.js'
import type {ImageStore} from '../layout/store.js'
import {archiveFile, archiveJson, readArchiveFiles, type ArchiveFile} from './archive-files.js'
import {checkConfig} from './normalize.js'

export interface DockerArchiveOptions {
  /** A RepoTag (`name:tag`, `docker.io/…` spellings compare equal); needed when the archive holds several images. */
  readonly ref?: string
  /** How to name the archive in messages. */
  readonly shown: string
}

interface DockerManifestEntry {
  Config: string
  RepoTags?: string[] | null
  Layers: string[]
}

/**
 * Read a docker-archive stream into `store` (config, layers and a new OCI manifest); returns the manifest's
 * descriptor. An archive without manifest.json (an oci-archive, say) is INVALID_ARCHIVE.
 */
export async function dockerArchiveToStore(input: Readable, store: ImageStore, opts: DockerArchiveOptions): Promise<Descriptor> {
  const files = await readArchiveFiles(input, store, opts.shown)
  if (!files.has('manifest.json')) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown} is not a docker-archive (it has no manifest.json)`)
  }
  return storeDockerImage(files, store, opts)
}

/**
 * The image manifest.json names (by `opts.ref`, or the only one), from files `readArchiveFiles` read into `store`:
 * its config and layers are put into `store`, and an OCI manifest for them; returns that manifest's descriptor.
 */
export async function storeDockerImage(files: Map<string, ArchiveFile>, store: ImageStore, opts: DockerArchiveOptions): Promise<Descriptor> {
  const what = `${opts.shown}:manifest.json`
  const entries = archiveJson(files.get('manifest.json')!, what) as DockerManifestEntry[]
  if (!Array.isArray(entries) || entries.length === 0) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what} lists no images`)
  for (const [i, e] of entries.entries()) {
    const tags = (e as Partial<DockerManifestEntry> | null)?.RepoTags
    if (typeof e !== 'object' || e === null || Array.isArray(e) || (tags != null && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string')))) {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: entry ${i} is not an image (an object with Config, Layers and RepoTags as a list of names)`)
    }
  }
  const entry = pickEntry(entries, opts)
  if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: an entry lacks Config or Layers`)
  }
  const cfgFile = archiveFile(files, entry.Config, opts.shown, 'manifest.json')
  if (!cfgFile.bytes) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: the config ${entry.Config} is too big`)
  const config = checkConfig(archiveJson(cfgFile, `${opts.shown}:${entry.Config}`), entry.Layers.length, `${opts.shown}:${entry.Config}`)
  const layers: Descriptor[] = []
  for (const [i, path] of entry.Layers.entries()) {
    const f = archiveFile(files, path, opts.shown, 'manifest.json')
    if (f.bytes) await store.putBlob(f.bytes, {digest: f.digest, size: f.size})
    const layer = {mediaType: sniffLayer(f.head), digest: f.digest, size: f.size}
    const diffId = await uncompressedDigest(store, layer, `${opts.shown}: layer ${path}`)
    const want = config.rootfs.diff_ids[i]
    if (diffId !== undefined && diffId !== want) {
      const how = layer.mediaType === MEDIA_TYPES.layerTar ? 'hashes to' : 'uncompressed, hashes to'
      throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${opts.shown}: layer ${path} ${how} ${diffId}, but the config's rootfs.diff_ids[${i}] is ${want}`)
    }
    layers.push(layer)
  }
  // The config exactly as the archive has it: Docker's config is an OCI image config, and its digest stays the image id.
  await store.putBlob(cfgFile.bytes, {digest: cfgFile.digest, size: cfgFile.size})
  const configDesc = {mediaType: MEDIA_TYPES.config, digest: cfgFile.digest, size: cfgFile.size}
  return store.putJson({schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config: configDesc, layers}, MEDIA_TYPES.manifest)
}

function pickEntry(entries: DockerManifestEntry[], opts: DockerArchiveOptions): DockerManifestEntry {
  const tags = entries.flatMap((e) => e.RepoTags ?? [])
  const listed = tags.length ? tags.join(', ') : '(none)'
  if (opts.ref === undefined) {
    if (entries.length === 1) return entries[0]!
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${opts.shown} holds ${entries.length} images; append :NAME:TAG to pick one (RepoTags: ${listed})`, {
      suggestions: tags.length ? [`For example ${opts.shown}:${tags[0]}`] : [],
    })
  }
  const want = shortDockerName(opts.ref)
  const wanted = entries.filter((e) => e.RepoTags?.some((t) => shortDockerName(t) === want))
  if (wanted.length === 0) {
    throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.shown}: no image tagged ${JSON.stringify(opts.ref)}`, {suggestions: [`RepoTags in the archive: ${listed}`]})
  }
  if (wanted.length > 1) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: ${wanted.length} images are tagged ${JSON.stringify(opts.ref)}`)
  return wanted[0]!
}

/** docker.io/library/x:latest, docker.io/x, x:latest … → one spelling, to compare RepoTags. */
function shortDockerName(ref: string): string {
  const withTag = /:[^/]+$/.test(ref) || ref.includes('@') ? ref : `${ref}:latest`
  return withTag.replace(/^(?:docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '')
}

function sniffLayer(head: Buffer): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return MEDIA_TYPES.layerGzip
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return MEDIA_TYPES.layerZstd
  return MEDIA_TYPES.layerTar
}

/** zstd decompression arrived in node:zlib with Node 22.15; on older runtimes a zstd layer's diff_id is not checked. */
const zstdDecompress = (zlib as unknown as {createZstdDecompress?: () => NodeJS.ReadWriteStream}).createZstdDecompress

/** The digest of the layer's tar (its diff_id), or undefined when it cannot be computed here (zstd on Node < 22.15). */
async function uncompressedDigest(store: ImageStore, layer: Descriptor, what: string): Promise<Digest | undefined> {
  if (layer.mediaType === MEDIA_TYPES.layerTar) return layer.digest
  const decompress = layer.mediaType === MEDIA_TYPES.layerGzip ? zlib.createGunzip() : zstdDecompress?.()
  if (!decompress) return undefined
  const counter = new DigestCounter()
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      counter.update(chunk)
      cb()
    },
  })
  try {
    await pipeline(await store.openBlob(layer.digest, layer.size), decompress, sink)
  } catch (e) {
    if (e instanceof SysbuildError) throw e
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what} cannot be decompressed: ${(e as Error).message}`, {}, e)
  }
  return counter.digest()
}

/**
 * oci-archive and docker-archive files: an OCI layout in a tar (deterministic: sorted, fixed times and owners);
 * a docker-archive is the same tar plus a `manifest.json` with RepoTags, the shape `docker load` reads
 * (and that Docker ≥ 25 itself writes).
 */
import {createWriteStream} from 'node:fs'
import {rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {randomBytes} from 'node:crypto'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {SysbuildError} from '../../core/index.js'
import {canonicalJson} from '../canonical-json.js'
import {digestHex} from '../digest.js'
import {MEDIA_TYPES} from '../media-types.js'
import {REF_NAME, type Descriptor, type ImageIndex, type ImageManifest} from '../types.js'
import type {ImageStore} from '../layout/store.js'
import type {TarEntry} from '../layer/tar-entry.js'
import {tarStream} from '../layer/tar-writer.js'
import {imageClosure} from './closure.js'

export interface ArchiveOptions {
  /** ref.name in the archive's index.json (e.g. the tag). */
  readonly ref?: string
  /** Add a docker `manifest.json` with these RepoTags (docker-archive). */
  readonly dockerTags?: readonly string[]
  /** Time stamp of every entry (SOURCE_DATE_EPOCH). */
  readonly epoch?: number
}

/** The archive as a stream (for `docker load` through the API, or a file). */
export async function imageArchiveStream(store: ImageStore, root: Descriptor, opts: ArchiveOptions = {}): Promise<Readable> {
  const mtime = Math.max(0, opts.epoch ?? 0)
  const blobs = await imageClosure(store, root)
  const file = (name: string, content: Buffer): TarEntry => ({name, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime, size: content.length, content})
  const dir = (name: string): TarEntry => ({name, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime, size: 0})
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [opts.ref ? {...root, annotations: {...(root.annotations ?? {}), [REF_NAME]: opts.ref}} : root],
  }
  const entries: TarEntry[] = [dir('blobs'), dir('blobs/sha256')]
  const sorted = [...blobs].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0))
  for (const b of sorted) {
    const info = await store.statBlob(b.digest)
    if (!info) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `blob ${b.digest} of the image is not in ${store.dir}`)
    entries.push({name: `blobs/sha256/${digestHex(b.digest)}`, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime, size: info.size, source: store.blobPath(b.digest)})
  }
  entries.push(file('index.json', Buffer.from(canonicalJson(index))))
  if (opts.dockerTags) {
    const m = await store.readJson<ImageManifest>(root.digest, root.size)
    const docker = [{Config: `blobs/sha256/${digestHex(m.config.digest)}`, RepoTags: [...opts.dockerTags], Layers: m.layers.map((l) => `blobs/sha256/${digestHex(l.digest)}`)}]
    entries.push(file('manifest.json', Buffer.from(JSON.stringify(docker))))
  }
  entries.push(file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')))
  return tarStream(entries)
}

/** Write an archive file atomically (temp file beside it, then rename). */
export async function writeImageArchive(store: ImageStore, root: Descriptor, path: string, opts: ArchiveOptions = {}): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`)
  try {
    await pipeline(await imageArchiveStream(store, root, opts), createWriteStream(tmp, {flags: 'wx', mode: 0o644}))
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, {force: true})
    if (e instanceof SysbuildError) throw e
    throw new SysbuildError('SYSBUILD_CORE_FILE_WRITE_FAILED', `cannot write ${path}: ${(e as Error).message}`, {}, e)
  }
}

/**
 * A base image from an archive stream: an oci-archive (an OCI layout in a tar), a docker-archive (`docker save`:
 * manifest.json + config + layer tars), or both at once (Docker ≥ 25). One pass over the tar: big files go
 * straight into the store (blobs/sha256/<hex> names are verified against their content), small ones stay in
 * memory until the manifests say what they are. Docker layer tars are kept as they are (never recompressed).
 */
import {Readable} from 'node:stream'
import tarStream from 'tar-stream'
import {SysbuildError, parseJsonText, writeFileAtomic} from '../../core/index.js'
import {digestOfBytes, type Digest} from '../digest.js'
import {gunzipIfNeeded} from '../gunzip-if-needed.js'
import {MEDIA_TYPES} from '../media-types.js'
import type {Platform} from '../descriptor.js'
import type {ImageStore} from '../layout/store.js'
import {openLayout, parseIndexText} from '../layout/dir-store.js'
import {mkdir, mkdtemp, rm} from 'node:fs/promises'
import {join} from 'node:path'
import type {BaseImage} from './base-image.js'
import {baseFromStore} from './from-store.js'
import {checkConfig} from './normalize.js'

const SMALL = 4 << 20

export interface BaseFromArchiveOptions {
  /** oci-archive: ref.name; docker-archive: a RepoTag. */
  readonly ref?: string
  readonly platform: Platform
  readonly shown: string
  readonly portableName?: boolean
}

interface FileInfo {
  readonly digest: Digest
  readonly size: number
  /** Content, for small files. */
  readonly bytes?: Buffer
  /** The first bytes (to sniff compression). */
  readonly head: Buffer
}

export async function baseFromArchive(input: Readable, target: ImageStore, opts: BaseFromArchiveOptions): Promise<BaseImage> {
  // A scratch layout inside the target's temp area receives the archive's blobs, then the base is copied out of
  // it like from any layout (only the chosen image's layers reach the target).
  await mkdir(join(target.dir, '.sysbuild-tmp'), {recursive: true})
  const tmp = await mkdtemp(join(target.dir, '.sysbuild-tmp', 'archive-'))
  try {
    const scratch = await openLayout(tmp, {create: true})
    const files = await readArchive(input, scratch, opts.shown)
    if (files.has('index.json') && !files.has('manifest.json')) {
      return await fromOciFiles(files, scratch, target, opts)
    }
    if (files.has('manifest.json')) return await fromDockerFiles(files, scratch, target, opts)
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown} is neither an oci-archive (no index.json) nor a docker-archive (no manifest.json)`)
  } finally {
    await rm(tmp, {recursive: true, force: true})
  }
}

async function readArchive(input: Readable, scratch: ImageStore, shown: string): Promise<Map<string, FileInfo>> {
  const files = new Map<string, FileInfo>()
  const extract = tarStream.extract()
  const source = await gunzipIfNeeded(input)
  source.on('error', (e) => extract.destroy(e))
  source.pipe(extract)
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '').replace(/^\/+/, '')
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume()
        continue
      }
      const size = entry.header.size ?? 0
      const blobName = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name)
      if (size <= SMALL) {
        const parts: Buffer[] = []
        for await (const c of entry) parts.push(c as Buffer)
        const bytes = Buffer.concat(parts)
        const digest = digestOfBytes(bytes)
        if (blobName && `sha256:${blobName[1]}` !== digest) {
          throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${shown}: ${name} hashes to ${digest}`)
        }
        files.set(name, {digest, size: bytes.length, bytes, head: bytes.subarray(0, 8)})
      } else {
        let head = Buffer.alloc(0)
        const sniff = async function* (src: AsyncIterable<Buffer>) {
          for await (const c of src) {
            if (head.length < 8) head = Buffer.concat([head, c.subarray(0, 8 - head.length)])
            yield c
          }
        }
        const expected = blobName ? {digest: `sha256:${blobName[1]}` as Digest, size} : {size}
        const info = await scratch.putBlob(Readable.from(sniff(entry as AsyncIterable<Buffer>)), expected).catch((e: unknown) => {
          if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_DIGEST_MISMATCH') {
            throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${shown}: ${name} does not match its name (${e.message})`, e.hint, e)
          }
          throw e
        })
        files.set(name, {digest: info.digest, size: info.size, head})
      }
    }
  } catch (e) {
    if (e instanceof SysbuildError) throw e
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown} is not a readable tar archive: ${(e as Error).message}`, {}, e)
  }
  return files
}

/** Put every small blob file into the scratch layout, then read it as a layout. */
async function fromOciFiles(files: Map<string, FileInfo>, scratch: ImageStore, target: ImageStore, opts: BaseFromArchiveOptions): Promise<BaseImage> {
  const index = files.get('index.json')!
  parseIndexText(index.bytes?.toString('utf8') ?? '', `${opts.shown}:index.json`)
  for (const [name, f] of files) {
    if (f.bytes && /^blobs\/sha256\/[a-f0-9]{64}$/.test(name)) await scratch.putBlob(f.bytes, {digest: f.digest, size: f.size})
  }
  await writeFileAtomic(join(scratch.dir, 'index.json'), index.bytes!)
  return baseFromStore(scratch, target, opts)
}

interface DockerManifestEntry {
  Config: string
  RepoTags?: string[] | null
  Layers: string[]
}

async function fromDockerFiles(files: Map<string, FileInfo>, scratch: ImageStore, target: ImageStore, opts: BaseFromArchiveOptions): Promise<BaseImage> {
  const what = `${opts.shown}:manifest.json`
  const entries = jsonOf(files.get('manifest.json')!, what) as DockerManifestEntry[]
  if (!Array.isArray(entries) || entries.length === 0) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what} lists no images`)
  const wanted = opts.ref === undefined ? entries : entries.filter((e) => e.RepoTags?.some((t) => shortDockerName(t) === shortDockerName(opts.ref!)))
  if (wanted.length === 0) {
    const tags = entries.flatMap((e) => e.RepoTags ?? [])
    throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.shown}: no image tagged ${JSON.stringify(opts.ref)}`, {suggestions: tags.length ? [`Tags in the archive: ${tags.join(', ')}`] : []})
  }
  if (wanted.length > 1) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.shown} holds ${wanted.length} images; append :NAME:TAG to pick one`)
  const entry = wanted[0]!
  if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: an entry lacks Config or Layers`)
  const cfgFile = need(files, entry.Config, opts.shown)
  if (!cfgFile.bytes) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: the config ${entry.Config} is too big`)
  const config = checkConfig(jsonOf(cfgFile, `${opts.shown}:${entry.Config}`), entry.Layers.length, `${opts.shown}:${entry.Config}`)
  const layers = []
  for (const path of entry.Layers) {
    const f = need(files, path, opts.shown)
    if (f.bytes) await scratch.putBlob(f.bytes, {digest: f.digest, size: f.size})
    layers.push({mediaType: sniffLayer(f.head), digest: f.digest, size: f.size})
  }
  for (const [i, l] of layers.entries()) {
    if (l.mediaType === MEDIA_TYPES.layerTar && l.digest !== config.rootfs.diff_ids[i]) {
      throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${opts.shown}: layer ${entry.Layers[i]} hashes to ${l.digest}, but the config says ${config.rootfs.diff_ids[i]}`)
    }
  }
  const configDesc = await scratch.putJson(config, MEDIA_TYPES.config)
  const manifestDesc = await scratch.putJson({schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config: configDesc, layers}, MEDIA_TYPES.manifest)
  return baseFromStore(scratch, target, {...opts, ref: manifestDesc.digest})
}

/** docker.io/library/x:latest, docker.io/x, x:latest … → one spelling, to compare RepoTags. */
function shortDockerName(ref: string): string {
  const withTag = /:[^/]+$/.test(ref) || ref.includes('@') ? ref : `${ref}:latest`
  return withTag.replace(/^(?:docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '')
}

function need(files: Map<string, FileInfo>, path: string, shown: string): FileInfo {
  const f = files.get(path.replace(/^\.\//, ''))
  if (!f) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown}: manifest.json names ${path}, which the archive lacks`)
  return f
}

function jsonOf(f: FileInfo, what: string): unknown {
  const r = parseJsonText(f.bytes?.toString('utf8') ?? '')
  if (!r.ok) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}:${r.line}:${r.column}: ${r.message}`)
  return r.value
}

function sniffLayer(head: Buffer): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return MEDIA_TYPES.layerGzip
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return MEDIA_TYPES.layerZstd
  return MEDIA_TYPES.layerTar
}


/** An OCI image layout directory used as a content-addressed store (see store.ts for the contract). */
import {createReadStream} from 'node:fs'
import {mkdir, open, readFile, rename, rm, stat} from 'node:fs/promises'
import {join, resolve as resolvePath} from 'node:path'
import {randomBytes} from 'node:crypto'
import {Readable} from 'node:stream'
import {SysbuildError, parseJsonText, writeFileAtomic} from '../../core/index.js'
import {canonicalJson} from '../canonical-json.js'
import {DigestCounter, digestHex, isDigest, type Digest} from '../digest.js'
import {ParallelDigest, type RunningDigest} from '../parallel-digest.js'
import {isIndexMediaType, isManifestMediaType, MEDIA_TYPES} from '../media-types.js'
import {REF_NAME, type Descriptor, type ImageIndex} from '../types.js'
import {collectGarbage} from './gc.js'
import {withLockFile} from './lock.js'
import {checkRefName} from './ref-name.js'
import type {BlobInfo, BlobSource, ExpectedBlob, GcOptions, GcResult, ImageStore} from './store.js'
import {mismatch, verifyingStream} from './verify-stream.js'
import {writeBlobFile} from './blob-file.js'

export interface OpenLayoutOptions {
  /** Create the layout (oci-layout, index.json, blobs/sha256) when it does not exist. */
  readonly create?: boolean
}

const LAYOUT_HEADER = '{"imageLayoutVersion":"1.0.0"}'
const TMP_DIR = '.sysbuild-tmp'
const LOCK_FILE = '.sysbuild-index.lock'
const PARALLEL_HASH_MIN = 32 << 20

/** Open (or create) an OCI image layout. Missing → SYSBUILD_IMAGE_NOT_FOUND; malformed → SYSBUILD_IMAGE_INVALID_ARCHIVE. */
export async function openLayout(dir: string, opts: OpenLayoutOptions = {}): Promise<ImageStore> {
  const root = resolvePath(dir)
  const header = await readFile(join(root, 'oci-layout'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined
    throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `cannot read ${join(root, 'oci-layout')}: ${e.message}`, {}, e)
  })
  if (header === undefined) {
    if (!opts.create) {
      throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${dir} is not an OCI image layout (no oci-layout file)`)
    }
    await mkdir(join(root, 'blobs', 'sha256'), {recursive: true})
    const hasIndex = await stat(join(root, 'index.json')).then(() => true, () => false)
    if (!hasIndex) await writeFileAtomic(join(root, 'index.json'), canonicalJson(emptyIndex()))
    await writeFileAtomic(join(root, 'oci-layout'), LAYOUT_HEADER)
  } else {
    const parsed = parseJsonText(header)
    const version = parsed.ok ? (parsed.value as {imageLayoutVersion?: unknown} | null)?.imageLayoutVersion : undefined
    if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${join(dir, 'oci-layout')}: not an OCI layout header (want {"imageLayoutVersion":"1.0.0"})`)
    }
  }
  const store = new DirStore(root)
  await store.readIndex()
  return store
}

const emptyIndex = (): ImageIndex => ({schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: []})

class DirStore implements ImageStore {
  constructor(readonly dir: string) {}

  blobPath(digest: Digest): string {
    if (!isDigest(digest)) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${JSON.stringify(digest)} is not a sha256 digest`)
    return join(this.dir, 'blobs', 'sha256', digestHex(digest))
  }

  async statBlob(digest: Digest): Promise<BlobInfo | undefined> {
    const st = await stat(this.blobPath(digest)).catch(() => undefined)
    return st?.isFile() ? {digest, size: st.size} : undefined
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    return (await this.statBlob(digest)) !== undefined
  }

  async openBlob(digest: Digest, expectedSize?: number): Promise<Readable> {
    const info = await this.statBlob(digest)
    if (!info) throw notFound(digest, this.dir)
    const what = `blob ${digest} in ${this.dir}`
    if (expectedSize !== undefined && info.size !== expectedSize) throw mismatch(what, `${info.size} bytes, expected ${expectedSize}`)
    const src = createReadStream(this.blobPath(digest), {highWaterMark: 1 << 20})
    const check = verifyingStream(digest, info.size, what)
    src.on('error', (e) => check.destroy(e))
    return src.pipe(check)
  }

  async readBlob(digest: Digest, expectedSize?: number): Promise<Buffer> {
    const info = await this.statBlob(digest)
    if (!info) throw notFound(digest, this.dir)
    const what = `blob ${digest} in ${this.dir}`
    if (expectedSize !== undefined && info.size !== expectedSize) throw mismatch(what, `${info.size} bytes, expected ${expectedSize}`)
    const bytes = await readFile(this.blobPath(digest))
    const c = new DigestCounter()
    c.update(bytes)
    if (c.digest() !== digest) throw mismatch(what, `content hashes to a different digest`)
    return bytes
  }

  async putBlob(source: BlobSource, expected: ExpectedBlob = {}): Promise<BlobInfo> {
    if (expected.digest !== undefined) {
      const have = await this.statBlob(expected.digest)
      if (have && (expected.size === undefined || have.size === expected.size)) {
        await dropSource(source)
        return have
      }
    }
    const tmpDir = join(this.dir, TMP_DIR)
    await mkdir(tmpDir, {recursive: true})
    const tmp = join(tmpDir, `blob-${randomBytes(8).toString('hex')}`)
    // A producer that keeps this thread busy (the tar writer) says so with a size hint: a big blob is then hashed on a
    // worker thread. A network or file source leaves this thread waiting for data: hashing here is cheaper than a
    // worker competing for the same two cores (measured on pulls).
    const counter: RunningDigest = (expected.sizeHint ?? 0) >= PARALLEL_HASH_MIN ? new ParallelDigest() : new DigestCounter()
    try {
      const fh = await open(tmp, 'wx', 0o644)
      try {
        await writeBlobFile(fh, source, counter, {
          maxSize: expected.size,
          tooBig: () => mismatch(`blob ${expected.digest ?? ''}`.trim(), `more than the expected ${expected.size} bytes`),
        })
      } finally {
        await fh.close()
      }
      const digest = await counter.digest()
      if (expected.size !== undefined && counter.size !== expected.size) {
        throw mismatch(`blob ${expected.digest ?? digest}`, `${counter.size} bytes, expected ${expected.size}`)
      }
      if (expected.digest !== undefined && digest !== expected.digest) {
        throw mismatch(`blob ${expected.digest}`, `content hashes to ${digest}`)
      }
      await rename(tmp, this.blobPath(digest))
      return {digest, size: counter.size}
    } catch (e) {
      await dropSource(source)
      await rm(tmp, {force: true})
      throw e
    } finally {
      counter.dispose()
    }
  }

  async putJson(doc: unknown, mediaType: string): Promise<Descriptor> {
    const bytes = Buffer.from(canonicalJson(doc), 'utf8')
    const {digest, size} = await this.putBlob(bytes)
    return {mediaType, digest, size}
  }

  async readJson<T = unknown>(digest: Digest, expectedSize?: number): Promise<T> {
    const text = (await this.readBlob(digest, expectedSize)).toString('utf8')
    const parsed = parseJsonText(text)
    if (!parsed.ok) {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `blob ${digest} in ${this.dir} is not JSON: ${parsed.message} (line ${parsed.line})`)
    }
    return parsed.value as T
  }

  async readIndex(): Promise<ImageIndex> {
    const file = join(this.dir, 'index.json')
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${file}: ${e.code === 'ENOENT' ? 'missing (every OCI layout has an index.json)' : e.message}`, {}, e)
    })
    return parseIndexText(text, file)
  }

  async resolve(ref: string): Promise<Descriptor | undefined> {
    const index = await this.readIndex()
    if (isDigest(ref)) {
      const entry = index.manifests.find((m) => m.digest === ref)
      if (entry) return entry
      const info = await this.statBlob(ref)
      if (!info) return undefined
      const doc = await this.readJson<{mediaType?: string; manifests?: unknown; layers?: unknown}>(ref).catch(() => undefined)
      const mediaType = doc?.mediaType ?? (doc?.manifests ? MEDIA_TYPES.index : doc?.layers ? MEDIA_TYPES.manifest : undefined)
      return mediaType && (isManifestMediaType(mediaType) || isIndexMediaType(mediaType)) ? {mediaType, digest: ref, size: info.size} : undefined
    }
    return index.manifests.find((m) => m.annotations?.[REF_NAME] === ref)
  }

  async tag(ref: string, descriptor: Descriptor): Promise<void> {
    checkRefName(ref)
    if (!(await this.hasBlob(descriptor.digest))) throw notFound(descriptor.digest, this.dir)
    await this.updateIndex((index) => ({
      ...index,
      manifests: [
        ...index.manifests.filter((m) => m.annotations?.[REF_NAME] !== ref),
        {...descriptor, annotations: {...(descriptor.annotations ?? {}), [REF_NAME]: ref}},
      ],
    }))
  }

  async untag(ref: string): Promise<boolean> {
    let found = false
    await this.updateIndex((index) => {
      const manifests = index.manifests.filter((m) => m.annotations?.[REF_NAME] !== ref)
      found = manifests.length !== index.manifests.length
      return {...index, manifests}
    })
    return found
  }

  async listRefs(): Promise<{ref: string; descriptor: Descriptor}[]> {
    return (await this.readIndex()).manifests.flatMap((d) => (d.annotations?.[REF_NAME] ? [{ref: d.annotations[REF_NAME], descriptor: d}] : []))
  }

  async gc(opts: GcOptions = {}): Promise<GcResult> {
    return withLockFile(join(this.dir, LOCK_FILE), () => collectGarbage(this, join(this.dir, TMP_DIR), opts))
  }

  private async updateIndex(change: (index: ImageIndex) => ImageIndex): Promise<void> {
    await withLockFile(join(this.dir, LOCK_FILE), async () => {
      const next = change(await this.readIndex())
      await writeFileAtomic(join(this.dir, 'index.json'), canonicalJson(next))
    })
  }
}

/** Stop a source that will not be read (further): streams are destroyed, generators returned (closing their files). */
async function dropSource(source: BlobSource): Promise<void> {
  if (source instanceof Readable) source.destroy()
  else if (!(source instanceof Uint8Array) && 'return' in source && typeof source.return === 'function') await (source as AsyncGenerator).return(undefined).catch(() => {})
}

const notFound = (digest: string, dir: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `blob ${digest} is not in ${dir}`)

/** Parse and check the shape of an index.json text. */
export function parseIndexText(text: string, file: string): ImageIndex {
  const parsed = parseJsonText(text)
  if (!parsed.ok) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${file}:${parsed.line}:${parsed.column}: ${parsed.message}`)
  }
  const v = parsed.value as Partial<ImageIndex> | null
  if (!v || typeof v !== 'object' || v.schemaVersion !== 2 || !Array.isArray(v.manifests)) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${file}: not an OCI image index (want schemaVersion 2 and a manifests list)`)
  }
  for (const [i, m] of v.manifests.entries()) {
    if (!m || typeof m.mediaType !== 'string' || !isDigest(m.digest) || !Number.isSafeInteger(m.size) || m.size < 0) {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${file}: manifests[${i}] is not a valid sha256 descriptor`)
    }
  }
  return v as ImageIndex
}

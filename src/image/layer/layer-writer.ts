/**
 * Write one layer into a store in a single pass: tar bytes → sha256 (diff_id) → compressor → store.putBlob
 * (which hashes the compressed bytes and renames the temp file into place). Nothing is compressed twice and
 * nothing is held in memory beyond a few blocks.
 */
import {pipeline} from 'node:stream'
import {SysbuildError} from '../../core/index.js'
import {DigestCounter, HashingStream, type Digest} from '../digest.js'
import {layerMediaType, type Compression} from '../media-types.js'
import type {Descriptor} from '../descriptor.js'
import type {BlobSource, ImageStore} from '../layout/store.js'
import {DEFAULT_GZIP_LEVEL, gzipStream, type CompressOptions} from './gzip.js'
import {parallelGzipChunks} from './pgzip.js'
import type {TarEntry} from './tar-entry.js'
import {tarChunks, tarStream, type TarStreamOptions} from './tar-writer.js'

export interface WriteLayerOptions extends CompressOptions, TarStreamOptions {
  readonly compression: Compression
}

export interface LayerResult {
  /** Descriptor of the (compressed) blob as it goes into a manifest. */
  readonly descriptor: Descriptor
  /** sha256 of the uncompressed tar (config rootfs.diff_ids). */
  readonly diffId: Digest
  /** Bytes of the uncompressed tar. */
  readonly tarSize: number
  readonly entries: number
}

export async function writeLayer(store: ImageStore, entries: readonly TarEntry[], opts: WriteLayerOptions): Promise<LayerResult> {
  let failure: Error | undefined
  let out: BlobSource
  let diffOf: () => {digest: Digest; size: number} | undefined
  if (opts.compression === 'pgzip') {
    // Parallel gzip copies every chunk into its blocks at once, so the tar may come from reused buffers.
    const diff = new DigestCounter()
    out = parallelGzipChunks(hashed(tarChunks(entries, {...opts, reuseBuffers: true}), diff), {level: opts.level ?? DEFAULT_GZIP_LEVEL, jobs: opts.jobs})
    diffOf = () => ({digest: diff.digest(), size: diff.size})
  } else if (opts.compression === 'gzip') {
    const diff = new HashingStream()
    out = pipeline(tarStream(entries, opts), diff, gzipStream(opts.level), (err) => {
      if (err) failure = err
    })
    diffOf = () => diff.result()
  } else {
    // Uncompressed: the blob digest is the diff_id, hashed once by the store, which takes the tar chunks directly
    // (and lets the writer reuse its buffers: putBlob keeps no chunk).
    out = tarChunks(entries, {...opts, reuseBuffers: true})
    diffOf = () => undefined
  }
  let blob
  try {
    // The size of an uncompressed layer is about the size of its files (a hint: the store hashes big blobs on a worker).
    blob = await store.putBlob(out, opts.compression === 'none' ? {sizeHint: entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0)} : {})
  } catch (e) {
    // Prefer the root cause (an unreadable file) over the "premature close" it causes downstream.
    throw failure instanceof SysbuildError ? failure : e instanceof SysbuildError ? e : (failure ?? e)
  }
  const {digest: diffId, size: tarSize} = diffOf() ?? blob
  return {descriptor: {mediaType: layerMediaType(opts.compression), digest: blob.digest, size: blob.size}, diffId, tarSize, entries: entries.length}
}

/** Pass chunks through, hashing them on the way. */
async function* hashed(chunks: AsyncIterable<Buffer>, into: DigestCounter): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    into.update(c)
    yield c
  }
}

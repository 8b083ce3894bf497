/**
 * Write one layer into a store in a single pass: tar bytes → sha256 (diff_id) → compressor → store.putBlob
 * (which hashes the compressed bytes and renames the temp file into place). Nothing is compressed twice and
 * nothing is held in memory beyond a few blocks.
 */
import {pipeline} from 'node:stream'
import {SysbuildError} from '../../core/index.js'
import {HashingStream, type Digest} from '../digest.js'
import {layerMediaType, type Compression} from '../media-types.js'
import type {Descriptor} from '../descriptor.js'
import type {ImageStore} from '../layout/store.js'
import {compressor, type CompressOptions} from './gzip.js'
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
  const z = compressor(opts.compression, opts)
  // Uncompressed: the blob digest is the diff_id, hashed once by the store, which takes the tar chunks directly
  // (and lets the writer reuse its buffers: putBlob keeps no chunk).
  const diff = z ? new HashingStream() : undefined
  let failure: Error | undefined
  const onDone = (err: Error | null | undefined): void => {
    if (err) failure = err
  }
  const out = z && diff ? pipeline(tarStream(entries, opts), diff, z, onDone) : tarChunks(entries, {...opts, reuseBuffers: true})
  let blob
  try {
    // The size of an uncompressed layer is about the size of its files (a hint: the store hashes big blobs on a worker).
    blob = await store.putBlob(out, z ? {} : {sizeHint: entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0)})
  } catch (e) {
    // Prefer the root cause (an unreadable file) over the "premature close" it causes downstream.
    throw failure instanceof SysbuildError ? failure : e instanceof SysbuildError ? e : (failure ?? e)
  }
  const {digest: diffId, size: tarSize} = diff ? diff.result() : blob
  return {descriptor: {mediaType: layerMediaType(opts.compression), digest: blob.digest, size: blob.size}, diffId, tarSize, entries: entries.length}
}

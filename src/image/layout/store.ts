/**
 * The content-addressed image store contract (an OCI image layout is one implementation).
 *
 * - Blobs are immutable and named by digest. `putBlob` is idempotent and atomic: the bytes land in a temporary file
 *   inside the store, are hashed while written, fsynced, then renamed into place; a mismatch with `expected`
 *   removes the temporary file and throws SYSBUILD_IMAGE_DIGEST_MISMATCH. A reader never sees a partial blob.
 *   A source is read one chunk at a time with at most one write in flight, and no chunk is kept: once two more
 *   chunks have been asked for, a producer may reuse a chunk's memory (the tar writer's `reuseBuffers`).
 * - Reads are verified: the stream from `openBlob` errors with SYSBUILD_IMAGE_DIGEST_MISMATCH at its end when the
 *   bytes do not hash to the digest (or the size differs). Consume it to the end to get that guarantee.
 * - index.json is replaced atomically (temp + rename) under a lock file, so concurrent taggers do not lose updates.
 */
import type {Readable} from 'node:stream'
import type {Digest} from '../digest.js'
import type {Descriptor, ImageIndex} from '../types.js'

export interface BlobInfo {
  readonly digest: Digest
  readonly size: number
}

export interface ExpectedBlob {
  readonly digest?: Digest
  readonly size?: number
  /**
   * About how big the blob will be, from a producer that keeps the calling thread busy (not checked): a big blob is
   * then hashed on a worker thread.
   */
  readonly sizeHint?: number
}

export type BlobSource = Readable | AsyncIterable<Uint8Array> | Uint8Array

export interface GcResult {
  readonly removed: readonly Digest[]
  readonly freedBytes: number
}

export interface GcOptions {
  /** Keep unreferenced blobs (and temp files) younger than this, so a concurrent build is not robbed (default 0). */
  readonly graceMs?: number
}

export interface ImageStore {
  /** Absolute path of the layout directory. */
  readonly dir: string

  hasBlob(digest: Digest): Promise<boolean>
  /** Digest and size of a stored blob, or undefined when absent. */
  statBlob(digest: Digest): Promise<BlobInfo | undefined>
  /** A verifying read stream; a missing blob → SYSBUILD_IMAGE_NOT_FOUND. */
  openBlob(digest: Digest, expectedSize?: number): Promise<Readable>
  /** The whole blob, verified. For small blobs (JSON). */
  readBlob(digest: Digest, expectedSize?: number): Promise<Buffer>
  /** Where a blob lives on disk (it may not exist). Read-only use: never write there. */
  blobPath(digest: Digest): string
  /**
   * Store bytes. When `expected.digest` names a blob already present (with the expected size), the source is not
   * read (a stream source is destroyed) and the existing blob is returned.
   */
  putBlob(source: BlobSource, expected?: ExpectedBlob): Promise<BlobInfo>
  /** Store a JSON document as canonical bytes (sorted keys, no whitespace) and return its descriptor. */
  putJson(doc: unknown, mediaType: string): Promise<Descriptor>
  /** Read and parse a JSON blob (verified); unparsable → SYSBUILD_IMAGE_INVALID_ARCHIVE. */
  readJson<T = unknown>(digest: Digest, expectedSize?: number): Promise<T>

  /** The layout's index.json. */
  readIndex(): Promise<ImageIndex>
  /** A descriptor by `org.opencontainers.image.ref.name` or by digest (index entry, or a stored manifest blob). */
  resolve(ref: string): Promise<Descriptor | undefined>
  /** Point `ref` at `descriptor` (replacing any entry with that name); atomic index.json replacement. */
  tag(ref: string, descriptor: Descriptor): Promise<void>
  /** Remove the entry named `ref`; false when there was none. */
  untag(ref: string): Promise<boolean>
  /** The named entries of index.json, in index order. */
  listRefs(): Promise<{ref: string; descriptor: Descriptor}[]>
  /** Delete blobs not reachable from index.json. */
  gc(opts?: GcOptions): Promise<GcResult>
}

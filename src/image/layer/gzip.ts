/** Deterministic gzip: node:zlib with a fixed level; zlib's header has MTIME 0, no name, OS byte 3 (Unix). */
import {constants, createGzip, type Gzip} from 'node:zlib'

export interface CompressOptions {
  /** 1 (fastest) … 9 (smallest); default 1, as go-containerregistry (BestSpeed). */
  readonly level?: number
  /** Parallel jobs for pgzip (default: the CPU count, at least 2 and at most 8). */
  readonly jobs?: number
}

export const DEFAULT_GZIP_LEVEL = 1

/** A single-threaded gzip transform (pgzip.ts is the parallel form, with the same header). */
export function gzipStream(level = DEFAULT_GZIP_LEVEL): Gzip {
  return createGzip({level, memLevel: 8, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY, chunkSize: 256 * 1024})
}

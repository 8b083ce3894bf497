/** Deterministic gzip: node:zlib with a fixed level; zlib's header has MTIME 0, no name, OS byte 3 (Unix). */
import {constants, createGzip} from 'node:zlib'
import type {Transform} from 'node:stream'
import {parallelGzip} from './pgzip.js'
import type {Compression} from '../media-types.js'

export interface CompressOptions {
  /** 1 (fastest) … 9 (smallest); default 1, as go-containerregistry (BestSpeed). */
  readonly level?: number
  /** Parallel jobs for pgzip (default: the CPU count, at least 2). */
  readonly jobs?: number
}

export const DEFAULT_GZIP_LEVEL = 1

/** A compressing transform for a layer, or undefined for an uncompressed layer. */
export function compressor(c: Compression, opts: CompressOptions = {}): Transform | undefined {
  const level = opts.level ?? DEFAULT_GZIP_LEVEL
  if (c === 'none') return undefined
  if (c === 'pgzip') return parallelGzip({level, jobs: opts.jobs})
  return createGzip({level, memLevel: 8, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY, chunkSize: 256 * 1024})
}

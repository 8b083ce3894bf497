/** Stream a sorted entry list as tar bytes, reading file contents as it goes (never the whole layer in memory). */
import {closeSync, openSync, readSync} from 'node:fs'
import {Readable} from 'node:stream'
import {SysbuildError} from '../../core/index.js'
import {encodeHeader, END_OF_ARCHIVE, padding} from './tar-header.js'
import type {TarEntry} from './tar-entry.js'
import {batchingAssembler, ringAssembler, type Assembler} from './tar-assembler.js'
import {readError} from './tar-read.js'

/** Stream chunks (the Readable form) are about this size. */
const CHUNK = 1 << 20

export interface TarProgress {
  readonly files: number
  readonly bytes: number
}

export interface TarStreamOptions {
  /** Called after each entry with running totals. */
  readonly onProgress?: (p: TarProgress) => void
  /** How to name a host file in messages (default: its path). */
  readonly shownPath?: (e: TarEntry) => string
}

export interface TarChunkOptions extends TarStreamOptions {
  /**
   * Produce the archive in a few large buffers that are reused: a chunk may be overwritten once the consumer has
   * asked for two more. Only for a consumer that never keeps a chunk longer (ImageStore.putBlob); it saves
   * allocating (and garbage-collecting) a buffer for every megabyte.
   */
  readonly reuseBuffers?: boolean
}

/** A Readable of the tar archive of `entries` (in the given order). */
export function tarStream(entries: readonly TarEntry[], opts: TarStreamOptions = {}): Readable {
  return Readable.from(tarChunks(entries, opts), {objectMode: false, highWaterMark: CHUNK})
}

/** The tar archive of `entries` as chunks (see TarChunkOptions.reuseBuffers for who may keep them). */
export async function* tarChunks(entries: readonly TarEntry[], opts: TarChunkOptions = {}): AsyncGenerator<Buffer> {
  const out: Assembler = opts.reuseBuffers ? ringAssembler() : batchingAssembler()
  const progress = throttled(opts.onProgress, entries.length)
  let files = 0
  let bytes = 0
  for (const e of entries) {
    yield* out.add(encodeHeader(e))
    if (e.type === 'file' && e.size > 0) {
      if (e.content) {
        if (e.content.length !== e.size) throw new SysbuildError('SYSBUILD_CORE_BUG', `inline content of ${e.name} does not match its size`)
        yield* out.add(e.content)
      } else {
        yield* fileChunks(e, out, opts)
      }
      yield* out.add(zeros.subarray(0, padding(e.size)))
      bytes += e.size
    }
    files++
    progress?.(files, bytes)
  }
  yield* out.add(END_OF_ARCHIVE())
  yield* out.end()
}

/** Padding source, shared: handed on as read-only views (the batching assembler may pass one on as a chunk), never written. */
const zeros = Buffer.alloc(512)

/**
 * Progress at most every PROGRESS_EVERY entries and at the last one: a callback per entry (an object and a
 * closure call for each of tens of thousands of small files) costs more than the reading of many of them.
 */
const PROGRESS_EVERY = 64
function throttled(onProgress: TarStreamOptions['onProgress'], total: number): ((files: number, bytes: number) => void) | undefined {
  if (!onProgress) return undefined
  return (files, bytes) => {
    if (files % PROGRESS_EVERY === 0 || files === total) onProgress({files, bytes})
  }
}

const changed = (shown: string, got: number, want: number): SysbuildError =>
  new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown} changed while it was being read (${got} bytes, expected ${want})`, {
    suggestions: ['Do not modify the tree while sysbuild builds from it'],
  })

/**
 * A file's content, read straight into the assembler's buffers. Synchronously, small files too: from the page
 * cache, open + read + close on this thread took 0.2 s for 56k files of /usr/share, where the same through the
 * thread pool (32 files read ahead) took 0.9–1.1 s; big files are read sequentially anyway (the kernel reads
 * ahead). The writes the consumer started meanwhile go on in the pool.
 */
function* fileChunks(e: TarEntry, out: Assembler, opts: TarStreamOptions): Generator<Buffer> {
  const shown = opts.shownPath?.(e) ?? e.source ?? e.name
  if (!e.source) throw new SysbuildError('SYSBUILD_CORE_BUG', `layer entry ${e.name} has neither a source nor content`)
  let fd: number
  try {
    fd = openSync(e.source, 'r')
  } catch (err) {
    throw readError(err as NodeJS.ErrnoException, shown)
  }
  try {
    for (let left = e.size; left > 0; ) {
      const room = out.room(left)
      let n: number
      try {
        n = readSync(fd, room.buffer, room.offset, room.length, null)
      } catch (err) {
        throw readError(err as NodeJS.ErrnoException, shown)
      }
      if (n === 0) throw changed(shown, e.size - left, e.size)
      left -= n
      yield* out.filled(n)
    }
  } finally {
    closeSync(fd)
  }
}

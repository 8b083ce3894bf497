/** Stream a sorted entry list as tar bytes, reading file contents as it goes (never the whole layer in memory). */
import {closeSync, openSync, readSync} from 'node:fs'
import {Readable} from 'node:stream'
import {SysbuildError} from '../../core/index.js'
import {encodeHeader, END_OF_ARCHIVE, padding} from './tar-header.js'
import type {TarEntry} from './tar-entry.js'
import {batchingAssembler, ringAssembler, type Assembler} from './tar-assembler.js'
import {closeP, openP, readError, readP} from './tar-read.js'

/** Stream chunks (the Readable form) are about this size. */
const CHUNK = 1 << 20
/** Files up to this size are read whole, ahead of time. */
const SMALL_FILE = 256 * 1024
/** How many small files may be in flight ahead of the writer. */
const READ_AHEAD = 32

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
  let files = 0
  let bytes = 0
  // Small files are read ahead, a few at a time, so that opening and reading them overlaps with the rest.
  const ahead = new Map<number, Promise<Buffer>>()
  let next = 0
  const prefetch = (upTo: number): void => {
    for (; next < Math.min(upTo, entries.length); next++) {
      const e = entries[next]!
      if (e.type === 'file' && !e.content && e.source && e.size > 0 && e.size <= SMALL_FILE) {
        const p = readSmall(e, opts)
        p.catch(() => {}) // awaited in order below
        ahead.set(next, p)
      }
    }
  }
  for (const [i, e] of entries.entries()) {
    prefetch(i + READ_AHEAD)
    yield* out.add(encodeHeader(e))
    if (e.type === 'file' && e.size > 0) {
      const early = ahead.get(i)
      if (early) {
        ahead.delete(i)
        yield* out.add(await early)
      } else if (e.content) {
        if (e.content.length !== e.size) throw new SysbuildError('SYSBUILD_CORE_BUG', `inline content of ${e.name} does not match its size`)
        yield* out.add(e.content)
      } else {
        yield* fileChunks(e, out, opts)
      }
      yield* out.add(Buffer.alloc(padding(e.size)))
      bytes += e.size
    }
    files++
    opts.onProgress?.({files, bytes})
  }
  yield* out.add(END_OF_ARCHIVE())
  yield* out.end()
}

const changed = (shown: string, got: number, want: number): SysbuildError =>
  new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown} changed while it was being read (${got} bytes, expected ${want})`, {
    suggestions: ['Do not modify the tree while sysbuild builds from it'],
  })

async function readSmall(e: TarEntry, opts: TarStreamOptions): Promise<Buffer> {
  const shown = opts.shownPath?.(e) ?? e.source ?? e.name
  const fd = await openP(e.source!, 'r').catch((err: NodeJS.ErrnoException) => {
    throw readError(err, shown)
  })
  try {
    // Exactly the size seen by the walk (like GNU tar, later growth is not included; shrinking is an error).
    const buf = Buffer.allocUnsafe(e.size)
    let got = 0
    while (got < e.size) {
      const {bytesRead} = await readP(fd, buf, got, e.size - got, null).catch((err: NodeJS.ErrnoException) => {
        throw readError(err, shown)
      })
      if (bytesRead === 0) throw changed(shown, got, e.size)
      got += bytesRead
    }
    return buf
  } finally {
    await closeP(fd)
  }
}

/**
 * A big file's content, read straight into the assembler's buffers. Synchronously: the reads are sequential
 * anyway (the kernel reads ahead), and a read from the thread pool costs about twice as much per megabyte; the
 * writes the consumer started meanwhile go on in the pool.
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

/** Stream a sorted entry list as tar bytes, reading file contents as it goes (never the whole layer in memory). */
import {close, open, read} from 'node:fs'
import {Readable} from 'node:stream'
import {promisify} from 'node:util'
import {SysbuildError} from '../../core/index.js'
import {encodeHeader, END_OF_ARCHIVE, padding} from './tar-header.js'
import type {TarEntry} from './tar-entry.js'

const CHUNK = 1 << 20
/** Headers and small contents are gathered into chunks of about this size (fewer, larger stream writes). */
const BATCH = 256 * 1024
/** Files up to this size are read whole, ahead of time. */
const SMALL_FILE = 256 * 1024
/** How many small files may be in flight ahead of the writer. */
const READ_AHEAD = 32

// The callback fs API is markedly cheaper per call than FileHandle for tens of thousands of small files.
const openP = promisify(open)
const readP = promisify(read)
const closeP = promisify(close)

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

/** A Readable of the tar archive of `entries` (in the given order). */
export function tarStream(entries: readonly TarEntry[], opts: TarStreamOptions = {}): Readable {
  return Readable.from(tarChunks(entries, opts), {objectMode: false, highWaterMark: CHUNK})
}

async function* tarChunks(entries: readonly TarEntry[], opts: TarStreamOptions): AsyncGenerator<Buffer> {
  let batch: Buffer[] = []
  let batched = 0
  let files = 0
  let bytes = 0
  const push = (b: Buffer): void => {
    if (b.length === 0) return
    batch.push(b)
    batched += b.length
  }
  const take = (): Buffer => {
    const out = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batched)
    batch = []
    batched = 0
    return out
  }
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
    push(encodeHeader(e))
    if (e.type === 'file' && e.size > 0) {
      const early = ahead.get(i)
      if (early) {
        ahead.delete(i)
        push(await early)
      } else if (e.content) {
        if (e.content.length !== e.size) throw new SysbuildError('SYSBUILD_CORE_BUG', `inline content of ${e.name} does not match its size`)
        push(e.content)
      } else {
        // Big file: flush what is gathered, then pass its chunks through without copying them.
        if (batched) yield take()
        for await (const chunk of fileChunks(e, opts)) yield chunk
      }
      push(Buffer.alloc(padding(e.size)))
      bytes += e.size
    }
    files++
    opts.onProgress?.({files, bytes})
    if (batched >= BATCH) yield take()
  }
  push(END_OF_ARCHIVE())
  yield take()
}

function readError(err: NodeJS.ErrnoException, shown: string): SysbuildError {
  if (err instanceof SysbuildError) return err
  const denied = err.code === 'EACCES' || err.code === 'EPERM'
  return new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: ${denied ? 'permission denied' : err.message}`, {
    suggestions: denied ? ['Build as a user who can read every file of the tree (usually root)', `Or fix the mode of ${shown}`] : [],
  }, err)
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

async function* fileChunks(e: TarEntry, opts: TarStreamOptions): AsyncGenerator<Buffer> {
  const shown = opts.shownPath?.(e) ?? e.source ?? e.name
  if (!e.source) throw new SysbuildError('SYSBUILD_CORE_BUG', `layer entry ${e.name} has neither a source nor content`)
  const fd = await openP(e.source, 'r').catch((err: NodeJS.ErrnoException) => {
    throw readError(err, shown)
  })
  try {
    let left = e.size
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(left, CHUNK))
      const {bytesRead: n} = await readP(fd, buf, 0, buf.length, null).catch((err: NodeJS.ErrnoException) => {
        throw readError(err, shown)
      })
      if (n === 0) throw changed(shown, e.size - left, e.size)
      left -= n
      yield n === buf.length ? buf : buf.subarray(0, n)
    }
  } finally {
    await closeP(fd)
  }
}

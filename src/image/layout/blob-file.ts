/**
 * Write a blob source into a new file, hashing and counting it on the way, and make it durable: at most one write
 * in flight, a datasync every 16 MiB while writing (one at a time, so the final fsync is short), an fsync at the end.
 *
 * Small chunks (network reads are 16–64 KiB) are gathered into two reused 1 MiB buffers first: one is filled while
 * the other is written, so a blob costs a write and a hash update per megabyte, not per packet. Bigger chunks are
 * written as they are. A stream is read chunk by chunk as it was pushed (its async iterator would concatenate
 * whatever is buffered into a fresh buffer on every read).
 */
import type {FileHandle} from 'node:fs/promises'
import {Readable} from 'node:stream'
import type {RunningDigest} from '../parallel-digest.js'
import type {BlobSource} from './store.js'

const STAGE = 1 << 20
const SMALL = 128 * 1024
const SYNC_EVERY = 16 << 20

export interface BlobFileLimits {
  /** Fail as soon as more than this many bytes arrive. */
  readonly maxSize?: number
  /** The error for too many bytes. */
  readonly tooBig?: () => Error
}

/** Copy `source` into `fh` (opened for writing at 0), updating `counter`; fsyncs before returning. */
export async function writeBlobFile(fh: FileHandle, source: BlobSource, counter: RunningDigest, limits: BlobFileLimits = {}): Promise<void> {
  const sync = periodicSync(fh)
  const stages = [Buffer.allocUnsafe(STAGE), Buffer.allocUnsafe(STAGE)]
  let stage = 0
  let fill = 0

  const emit = async (bytes: Uint8Array): Promise<void> => {
    await counter.update(bytes)
    if (limits.maxSize !== undefined && counter.size > limits.maxSize) throw limits.tooBig?.() ?? new Error('too many bytes')
    await sync.inflight
    sync.write(bytes)
  }
  const flushStage = async (): Promise<void> => {
    if (fill === 0) return
    const full = stages[stage]!.subarray(0, fill)
    stage ^= 1
    fill = 0
    // emit waits for the write before this one, which was the other buffer's (or a chunk's): it can be refilled.
    await emit(full)
  }
  // A chunk written as it was must be written before two more are asked for (the producer may reuse it then).
  let direct = false

  for await (const chunk of chunksOf(source)) {
    if (chunk.byteLength >= SMALL) {
      await flushStage()
      await emit(chunk)
      direct = true
      continue
    }
    if (direct) {
      await sync.inflight
      direct = false
    }
    for (let off = 0; off < chunk.byteLength; ) {
      const n = Math.min(STAGE - fill, chunk.byteLength - off)
      stages[stage]!.set(chunk.subarray(off, off + n), fill)
      fill += n
      off += n
      if (fill === STAGE) await flushStage()
    }
  }
  await flushStage()
  await sync.finish()
}

/** One write in flight at a time, and a datasync (one at a time) every SYNC_EVERY bytes. */
function periodicSync(fh: FileHandle) {
  let inflight: Promise<void> | undefined
  let syncing: Promise<void> | undefined
  let unsynced = 0
  return {
    get inflight() {
      return inflight
    },
    /** Start writing (after the previous write was awaited by the caller). */
    write(bytes: Uint8Array): Promise<void> {
      const w = writeAll(fh, bytes)
      inflight = w
      w.catch(() => {}) // awaited before the next write or at the end
      unsynced += bytes.byteLength
      if (unsynced >= SYNC_EVERY && !syncing) {
        unsynced = 0
        syncing = w.then(() => fh.datasync()).finally(() => (syncing = undefined))
        syncing.catch(() => {})
      }
      return w
    },
    async finish(): Promise<void> {
      await inflight
      await syncing
      await fh.sync()
    },
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let off = 0; off < chunk.byteLength; ) off += (await fh.write(chunk, off, chunk.byteLength - off)).bytesWritten
}

/** The chunks of a source as they come: bytes as one chunk, a stream chunk by chunk (never concatenated). */
function chunksOf(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) return [source] as unknown as AsyncIterable<Uint8Array>
  if (source instanceof Readable) return streamChunks(source)
  return source
}

async function* streamChunks(stream: Readable): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = []
  let queued = 0
  let ended = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const notify = (): void => {
    wake?.()
    wake = undefined
  }
  const onData = (c: Uint8Array): void => {
    queue.push(c)
    queued += c.byteLength
    if (queued >= 4 * STAGE) stream.pause()
    notify()
  }
  const onEnd = (): void => {
    ended = true
    notify()
  }
  const onError = (e: Error): void => {
    failure = e
    notify()
  }
  stream.on('data', onData)
  stream.once('end', onEnd)
  stream.once('error', onError)
  // A stream destroyed without an error never ends: treat it as a premature close.
  stream.once('close', () => {
    if (!ended && !failure) failure = Object.assign(new Error('premature close'), {code: 'ERR_STREAM_PREMATURE_CLOSE'})
    notify()
  })
  try {
    for (;;) {
      const c = queue.shift()
      if (c) {
        queued -= c.byteLength
        if (queued < STAGE && stream.isPaused()) stream.resume()
        yield c
        continue
      }
      if (failure) throw failure
      if (ended) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    stream.off('data', onData)
    stream.off('end', onEnd)
    stream.off('error', onError)
    if (!ended) stream.destroy()
  }
}

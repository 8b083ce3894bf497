/**
 * pigz-style parallel gzip: the input is cut into fixed 1 MiB blocks; each block is raw-deflated with the previous
 * 32 KiB of input as its dictionary and ends with a sync flush (the last, possibly empty, with Z_FINISH); the
 * pieces are concatenated in order behind one gzip header and before one CRC32/ISIZE trailer. The result is a
 * single gzip member, byte-identical for the same input, level and zlib, whatever the number of jobs.
 *
 * Input of one block or less is compressed right here; from the first full block on, blocks are copied into the
 * shared slots of a DeflatePool and compressed on worker threads while this thread reads on, hashes and writes.
 */
import {availableParallelism} from 'node:os'
import {constants, crc32, deflateRawSync} from 'node:zlib'
import {crc32Combine} from './crc32-combine.js'
import {BLOCK, DICT, DeflatePool, OUT_BYTES, type Deflated} from './deflate-pool.js'

export interface ParallelGzipOptions {
  readonly level: number
  /** Compression threads (default: the CPU count, at least 2 and at most 8: each thread holds ~2 MiB of blocks and an isolate). */
  readonly jobs?: number
}

/** The gzip header: no name, MTIME 0, XFL by level, OS 3 (Unix). */
const header = (level: number): Buffer => Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, level >= 9 ? 2 : level === 1 ? 4 : 0, 3])

/**
 * Gzip `input` into one member, as chunks. Input chunks are copied at once, so their producer may reuse them; the
 * chunks handed out come from three reused buffers (the ImageStore.putBlob contract: a chunk may be overwritten once
 * two more have been asked for).
 */
export async function* parallelGzipChunks(input: AsyncIterable<Uint8Array>, opts: ParallelGzipOptions): AsyncGenerator<Buffer> {
  const jobs = opts.jobs ?? Math.min(8, Math.max(2, availableParallelism()))
  const {level} = opts
  yield header(level)
  let crc = 0
  let total = 0
  let pool: DeflatePool | undefined
  const ring = [0, 1, 2].map(() => Buffer.allocUnsafe(OUT_BYTES))
  let turn = 0
  // The block being filled: before the pool exists a private buffer, then a pool slot.
  let slot = -1
  let block: Uint8Array = Buffer.allocUnsafe(BLOCK)
  let fill = 0
  let dictLen = 0
  /** Blocks handed to the pool, in input order. */
  const pending: {readonly slot: number; readonly size: number; readonly done: Promise<Deflated>}[] = []
  const take = async (p: DeflatePool): Promise<Buffer> => {
    const {slot: s, size, done} = pending.shift()!
    const {length, crc: blockCrc} = await done
    crc = crc32Combine(crc, blockCrc, size)
    return p.take(s, length, ring[turn++ % ring.length]!)
  }
  try {
    for await (const chunk of input) {
      for (let off = 0; off < chunk.byteLength; ) {
        const n = Math.min(BLOCK - fill, chunk.byteLength - off)
        block.set(chunk.subarray(off, off + n), fill)
        fill += n
        off += n
        if (fill < BLOCK) continue
        // A full block (never the last: the last is cut when the input ends). Hand it to a worker.
        if (!pool) {
          pool = new DeflatePool(level, jobs)
          slot = pool.acquire()
          pool.regions(slot).block.set(block)
          block = pool.regions(slot).block
        }
        total += BLOCK
        const done = pool.deflate(slot, dictLen, BLOCK, false)
        done.catch(() => {}) // awaited in order by take
        pending.push({slot, size: BLOCK, done})
        // Hand out what is done, and wait for the oldest block when every slot is taken.
        while (pending.length && (pool.freeSlots === 0 || (await settled(pending[0]!.done)))) yield await take(pool)
        const next = pool.regions((slot = pool.acquire()))
        next.dict.set(block.subarray(BLOCK - DICT))
        block = next.block
        dictLen = DICT
        fill = 0
      }
    }
    const tail = block.subarray(0, fill)
    total += fill
    if (pool) {
      const done = pool.deflate(slot, dictLen, fill, true)
      done.catch(() => {}) // awaited in order by take
      pending.push({slot, size: fill, done})
      while (pending.length) yield await take(pool)
    } else {
      crc = crc32(tail)
      yield deflateRawSync(tail, {level, memLevel: 9, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY, finishFlush: constants.Z_FINISH})
    }
    const trailer = Buffer.alloc(8)
    trailer.writeUInt32LE(crc >>> 0, 0)
    trailer.writeUInt32LE(total % 0x1_0000_0000, 4)
    yield trailer
  } finally {
    pool?.close()
  }
}

/** Whether a promise has already settled (a rejection surfaces when it is awaited). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  const marker = {}
  return (await Promise.race([p.then(() => true, () => true), Promise.resolve(marker)])) !== marker
}

/**
 * pigz-style parallel gzip: the input is cut into fixed 1 MiB blocks; each block is raw-deflated on the libuv
 * thread pool with the previous 32 KiB of input as its dictionary and ends with a sync flush (the last with
 * Z_FINISH); the pieces are concatenated in order behind one gzip header and before one CRC32/ISIZE trailer.
 * The result is a single gzip member, byte-identical for the same input, level and zlib.
 */
import {Transform, type TransformCallback} from 'node:stream'
import {availableParallelism} from 'node:os'
import {constants, crc32, deflateRaw, type ZlibOptions} from 'node:zlib'

const BLOCK = 1 << 20
const DICT = 32 * 1024

export interface ParallelGzipOptions {
  readonly level: number
  readonly jobs?: number
}

export function parallelGzip(opts: ParallelGzipOptions): Transform {
  const jobs = Math.max(2, opts.jobs ?? availableParallelism())
  const level = opts.level
  let pending: Buffer[] = []
  let pendingLen = 0
  let prevTail: Buffer | undefined
  let crc = 0
  let total = 0
  /** Compressed blocks in input order (promises), not yet pushed. */
  const inflight: Promise<Buffer>[] = []
  let headerSent = false

  const deflateBlock = (block: Buffer, dictionary: Buffer | undefined, last: boolean): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const o: ZlibOptions = {level, memLevel: 8, windowBits: 15, strategy: constants.Z_DEFAULT_STRATEGY,
        finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, ...(dictionary ? {dictionary} : {})}
      deflateRaw(block, o, (err, out) => (err ? reject(err) : resolve(out)))
    })

  const dispatch = (block: Buffer, last: boolean): void => {
    crc = crc32(block, crc)
    total += block.length
    const p = deflateBlock(block, prevTail, last)
    p.catch(() => {}) // awaited in order below; this only keeps an early failure from being "unhandled"
    inflight.push(p)
    prevTail = block.length >= DICT ? block.subarray(block.length - DICT) : prevTail ? Buffer.concat([prevTail, block]).subarray(-DICT) : block
  }

  const header = (): Buffer => Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, level >= 9 ? 2 : level === 1 ? 4 : 0, 3])

  return new Transform({
    highWaterMark: BLOCK,
    async transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        if (!headerSent) {
          this.push(header())
          headerSent = true
        }
        let off = 0
        while (off < chunk.length) {
          const take = Math.min(BLOCK - pendingLen, chunk.length - off)
          pending.push(chunk.subarray(off, off + take))
          pendingLen += take
          off += take
          if (pendingLen === BLOCK) {
            dispatch(Buffer.concat(pending, pendingLen), false)
            pending = []
            pendingLen = 0
            // Keep at most `jobs` blocks in flight: wait for the oldest before reading more.
            while (inflight.length >= jobs) this.push(await inflight.shift()!)
          }
        }
        cb()
      } catch (e) {
        cb(e as Error)
      }
    },
    async flush(cb: TransformCallback) {
      try {
        if (!headerSent) this.push(header())
        dispatch(Buffer.concat(pending, pendingLen), true)
        pending = []
        while (inflight.length) this.push(await inflight.shift()!)
        const trailer = Buffer.alloc(8)
        trailer.writeUInt32LE(crc >>> 0, 0)
        trailer.writeUInt32LE(total % 0x1_0000_0000, 4)
        this.push(trailer)
        cb()
      } catch (e) {
        cb(e as Error)
      }
    },
  })
}

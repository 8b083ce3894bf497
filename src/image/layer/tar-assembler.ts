/**
 * How tar bytes become the chunks a tar stream hands out. Two strategies, the same bytes:
 * - batching: headers and small files are gathered into ~256 KiB chunks, big files pass in fresh 1 MiB chunks
 *   (for consumers that keep chunks: streams, compressors);
 * - ring: everything is copied or read into three 1 MiB buffers used in turn, so nothing is allocated per
 *   chunk (for a consumer that is done with a chunk once it has asked for two more).
 */
export interface Assembler {
  /** Append bytes; yields the chunks they complete. */
  add(bytes: Buffer): Generator<Buffer>
  /** Where to read up to `want` (> 0) bytes of file data directly. */
  room(want: number): {readonly buffer: Buffer; readonly offset: number; readonly length: number}
  /** `n` bytes were read into the last room; yields the chunks that completes. */
  filled(n: number): Generator<Buffer>
  /** Whatever is left. */
  end(): Generator<Buffer>
}

const BATCH = 256 * 1024
const FILE_CHUNK = 1 << 20

export function batchingAssembler(): Assembler {
  let batch: Buffer[] = []
  let batched = 0
  let current = Buffer.alloc(0)
  const take = (): Buffer => {
    const out = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batched)
    batch = []
    batched = 0
    return out
  }
  return {
    *add(bytes) {
      if (bytes.length === 0) return
      batch.push(bytes)
      batched += bytes.length
      if (batched >= BATCH) yield take()
    },
    room(want) {
      current = Buffer.allocUnsafe(Math.min(want, FILE_CHUNK))
      return {buffer: current, offset: 0, length: current.length}
    },
    *filled(n) {
      // What was gathered before this file's data goes first; the data chunk itself is passed without a copy.
      if (batched) yield take()
      yield n === current.length ? current : current.subarray(0, n)
    },
    *end() {
      if (batched) yield take()
    },
  }
}

const RING = 3
const RING_SIZE = 1 << 20

export function ringAssembler(): Assembler {
  const ring: Buffer[] = []
  let at = 0
  let fill = 0
  const buffer = (): Buffer => (ring[at] ??= Buffer.allocUnsafe(RING_SIZE))
  function* full(): Generator<Buffer> {
    if (fill < RING_SIZE) return
    const done = buffer()
    at = (at + 1) % RING
    fill = 0
    yield done
  }
  return {
    *add(bytes) {
      for (let off = 0; off < bytes.length; ) {
        const n = bytes.copy(buffer(), fill, off)
        fill += n
        off += n
        yield* full()
      }
    },
    room(want) {
      return {buffer: buffer(), offset: fill, length: Math.min(want, RING_SIZE - fill)}
    },
    *filled(n) {
      fill += n
      yield* full()
    },
    *end() {
      if (fill > 0) yield buffer().subarray(0, fill)
      fill = 0
    },
  }
}

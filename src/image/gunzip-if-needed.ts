/** Archives may come gzipped (`docker save | gzip`, `tar czf`): sniff the gzip magic and gunzip only then. */
import {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'

/**
 * The same bytes as `input`, gunzipped when they start with the gzip magic (1f 8b). Reads the first chunk
 * before returning, so an error opening the input (ENOENT, EACCES) rejects here, not later in the stream.
 */
export async function gunzipIfNeeded(input: Readable): Promise<Readable> {
  const it = input[Symbol.asyncIterator]()
  const first = (await it.next()) as IteratorResult<Buffer>
  const head = first.done ? Buffer.alloc(0) : first.value
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head
    for (;;) {
      const n = (await it.next()) as IteratorResult<Buffer>
      if (n.done) return
      yield n.value
    }
  }
  const joined = Readable.from(all(), {objectMode: false})
  return head[0] === 0x1f && head[1] === 0x8b ? joined.pipe(createGunzip()) : joined
}

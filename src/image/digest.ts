/** sha256 digests: parsing, hashing bytes and streams. */
import {createHash, type Hash} from 'node:crypto'
import {Transform, type TransformCallback} from 'node:stream'
import {SysbuildError} from '../core/index.js'

/** `sha256:<64 lowercase hex>`. Only sha256 is written; other algorithms are refused when read. */
export type Digest = `sha256:${string}`

const SHA256 = /^sha256:[a-f0-9]{64}$/

export const isDigest = (s: unknown): s is Digest => typeof s === 'string' && SHA256.test(s)

/** Check a digest string; anything else → SYSBUILD_IMAGE_INVALID_REFERENCE naming `what`. */
export function parseDigest(s: string, what = 'digest'): Digest {
  if (isDigest(s)) return s
  const hint = /^sha256:[A-F0-9]{64}$/i.test(s) ? ' (the hex part must be lowercase)' : /^[a-z0-9]+:/.test(s) ? ' (only sha256 is supported)' : ''
  throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${what} ${JSON.stringify(s)} is not a sha256 digest${hint}`)
}

/** The hex part of a digest. */
export const digestHex = (d: Digest): string => d.slice('sha256:'.length)

export const digestOfBytes = (data: Uint8Array | string): Digest =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`

/** A running sha256 + byte count. */
export class DigestCounter {
  private readonly hash: Hash = createHash('sha256')
  private n = 0
  update(chunk: Uint8Array): void {
    this.hash.update(chunk)
    this.n += chunk.byteLength
  }
  get size(): number {
    return this.n
  }
  /** Finish (once) and return the digest. */
  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`
  }
  /** Nothing to release (the RunningDigest shape of parallel-digest.ts). */
  dispose(): void {}
}

/** A pass-through stream that hashes and counts what flows through it; `result()` after 'end'/'finish'. */
export class HashingStream extends Transform {
  private readonly counter = new DigestCounter()
  private done: {digest: Digest; size: number} | undefined
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.counter.update(chunk)
    cb(null, chunk)
  }
  override _flush(cb: TransformCallback): void {
    this.done = {digest: this.counter.digest(), size: this.counter.size}
    cb()
  }
  /** Digest and size of everything that passed; only valid once the stream has flushed. */
  result(): {digest: Digest; size: number} {
    if (!this.done) throw new SysbuildError('SYSBUILD_CORE_BUG', 'HashingStream.result() called before the stream ended')
    return this.done
  }
}

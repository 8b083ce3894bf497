/** A pass-through stream that fails at its end when the bytes do not match a digest and size. */
import {Transform, type TransformCallback} from 'node:stream'
import {SysbuildError} from '../../core/index.js'
import {DigestCounter, type Digest} from '../digest.js'

export function verifyingStream(expected: Digest, expectedSize: number | undefined, what: string): Transform {
  const counter = new DigestCounter()
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      counter.update(chunk)
      if (expectedSize !== undefined && counter.size > expectedSize) {
        cb(mismatch(what, `more than the expected ${expectedSize} bytes`))
        return
      }
      cb(null, chunk)
    },
    flush(cb: TransformCallback) {
      if (expectedSize !== undefined && counter.size !== expectedSize) {
        cb(mismatch(what, `${counter.size} bytes, expected ${expectedSize}`))
        return
      }
      const got = counter.digest()
      if (got !== expected) cb(mismatch(what, `content hashes to ${got}, expected ${expected}`))
      else cb()
    },
  })
}

export const mismatch = (what: string, detail: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${what}: ${detail}`, {
    suggestions: ['The blob is corrupt or was modified: remove it and fetch or build it again'],
  })

/** Big blobs are hashed on a worker thread: the digests are sha256sum's, also when chunks straddle its slots. */
import {describe, expect, it} from 'vitest'
import {randomBytes} from 'node:crypto'
import {readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {openLayout} from '../../src/image/index.js'
import {ParallelDigest} from '../../src/image/parallel-digest.js'
import {sha256sum, withTempDir} from './kit.js'

describe('hashing on a worker thread', () => {
  it('gives sha256sum\'s digest for odd chunk sizes, empty chunks and chunks bigger than its slots', async () => {
    await withTempDir(async (dir) => {
      const chunks = [0, 1, 1 << 20, (1 << 20) + 1, 3 << 20, 12_345, 0, 9 << 20].map((n) => randomBytes(n))
      const p = new ParallelDigest()
      for (const c of chunks) await p.update(c)
      await writeFile(join(dir, 'data'), Buffer.concat(chunks))
      expect(await p.digest()).toBe(sha256sum(join(dir, 'data')))
      expect(p.size).toBe(chunks.reduce((n, c) => n + c.length, 0))
    })
  })

  it('stores big blobs under sha256sum\'s digest and refuses a wrong one, leaving nothing behind', async () => {
    await withTempDir(async (dir) => {
      const store = await openLayout(join(dir, 'oci'), {create: true})
      const parts = Array.from({length: 40}, () => randomBytes(1 << 20))
      async function* source() {
        yield* parts
      }
      const info = await store.putBlob(source(), {sizeHint: 40 << 20})
      expect(info.size).toBe(40 << 20)
      expect(sha256sum(store.blobPath(info.digest))).toBe(info.digest)
      const wrong = `sha256:${'0'.repeat(64)}` as const
      await expect(store.putBlob(source(), {digest: wrong, size: 40 << 20})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_DIGEST_MISMATCH'})
      expect(await readdir(join(dir, 'oci', '.sysbuild-tmp'))).toEqual([])
    })
  })
})

import {describe, it, expect} from 'vitest'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {createHash, randomBytes} from 'node:crypto'
import {crc32} from 'node:zlib'
import {parallelGzipChunks} from '../../../src/image/index.js'
import {crc32Combine} from '../../../src/image/layer/crc32-combine.js'
import {needTool, sh, withTempDir} from '../kit.js'

const MiB = 1 << 20

/** Half text, half random bytes: both deflate paths (matches and stored blocks). */
function input(size: number, seed: number): Buffer {
  const text = Buffer.from(`sysbuild ${seed} `.repeat(Math.ceil(size / 20)))
  const out = Buffer.concat([text.subarray(0, size >> 1), randomBytes(size - (size >> 1))])
  return out.subarray(0, size)
}

/** Feed `data` in odd-sized chunks (a reused buffer, as the tar writer does) and keep a copy of each output chunk. */
async function gzipOf(data: Buffer, jobs: number): Promise<Buffer> {
  async function* chunks(): AsyncGenerator<Buffer> {
    const scratch = Buffer.alloc(300_001)
    for (let off = 0, i = 0; off < data.length; i++) {
      const n = Math.min(data.length - off, [300_001, 1, 65_536, 123_457][i % 4]!)
      data.copy(scratch, 0, off, off + n)
      yield scratch.subarray(0, n)
      off += n
    }
  }
  const out: Buffer[] = []
  for await (const c of parallelGzipChunks(chunks(), {level: 1, jobs})) out.push(Buffer.from(c))
  return Buffer.concat(out)
}

describe('parallel gzip', () => {
  it('one gzip member that gzip, pigz and Python read back, at every size around the 1 MiB blocks, for any jobs', async (ctx) => {
    await withTempDir(async (dir) => {
      const sizes = [0, 1, MiB - 1, MiB, MiB + 1, 2 * MiB, 5 * MiB + 12_345]
      const files: string[] = []
      for (const [i, size] of sizes.entries()) {
        const data = input(size, i)
        const two = await gzipOf(data, 2)
        const three = await gzipOf(data, 3)
        expect(three.equals(two), `size ${size}: the same bytes with 2 and 3 jobs`).toBe(true)
        const file = join(dir, `${size}.gz`)
        await writeFile(file, two)
        sh(`gzip -t '${file}'`)
        needTool(ctx, 'pigz')
        sh(`pigz -t '${file}'`)
        expect(sh(`gzip -dc '${file}' | sha256sum`).slice(0, 64), `size ${size}`).toBe(createHash('sha256').update(data).digest('hex'))
        files.push(file)
      }
      needTool(ctx, 'python3')
      // One member, nothing after it: zlib's gzip reader stops at the end of the first member.
      const py = `import zlib,sys
for f in sys.argv[1:]:
    d = zlib.decompressobj(31); out = d.decompress(open(f, "rb").read())
    assert d.eof and not d.unused_data, f
    print(len(out))`
      expect(sh(`python3 -c '${py}' ${files.map((f) => `'${f}'`).join(' ')}`).trim().split('\n').map(Number)).toEqual(sizes)
    })
  })

  it('a failure on a compression thread ends the stream with an error (no hang, no stray rejection)', async () => {
    const data = input(4 * MiB, 7)
    const run = async (): Promise<number> => {
      let n = 0
      for await (const c of parallelGzipChunks([data], {level: 42, jobs: 2})) n += c.length
      return n
    }
    await expect(run()).rejects.toThrow(/parallel gzip failed/)
  })

  it('combines CRC-32s of parts as zlib computes the CRC-32 of the whole', () => {
    for (let i = 0; i < 300; i++) {
      const a = randomBytes((i * 7919) % 5000)
      const b = randomBytes(i % 10 === 0 ? 0 : (i * 104_729) % 70_000)
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])))
    }
    const block = randomBytes(MiB)
    expect(crc32Combine(crc32(block), crc32(block), MiB)).toBe(crc32(Buffer.concat([block, block])))
  })
})

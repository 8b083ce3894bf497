import {describe, expect, it} from 'vitest'
import {Readable} from 'node:stream'
import {chunks, withDigest, UploadPlan, FALLBACK_CHUNK_SIZE} from '../../src/registry/upload.js'
import {ProgressTracker, humanBytes} from '../../src/registry/progress.js'
import {runPool} from '../../src/registry/pool.js'
import {parsePlatform} from '../../src/registry/platform.js'
import {splitPathTag} from '../../src/registry/source.js'
import {normalizeRegistry} from '../../src/registry/login.js'

const collect = async (it: AsyncIterable<Buffer>) => {
  const out: Buffer[] = []
  for await (const b of it) out.push(b)
  return out
}

describe('upload helpers', () => {
  it('cuts a stream into exact chunks whatever the read sizes', async () => {
    const data = Buffer.from(Array.from({length: 1000}, (_, i) => i % 251))
    const pieces = [data.subarray(0, 7), data.subarray(7, 300), data.subarray(300, 301), data.subarray(301)]
    const got = await collect(chunks(Readable.from(pieces), 128))
    expect(got.map((b) => b.length)).toEqual([128, 128, 128, 128, 128, 128, 128, 104])
    expect(Buffer.concat(got)).toEqual(data)
    expect(await collect(chunks(Readable.from([]), 128))).toEqual([])
    expect((await collect(chunks(Readable.from([data.subarray(0, 256)]), 128))).map((b) => b.length)).toEqual([128, 128])
  })

  it('appends digest= to an upload location, keeping its query as given', () => {
    const d = `sha256:${'a'.repeat(64)}`
    expect(withDigest(new URL('http://r/v2/x/blobs/uploads/u?_state=ab%3D%3D+c'), d).href).toBe(`http://r/v2/x/blobs/uploads/u?_state=ab%3D%3D+c&digest=sha256%3A${'a'.repeat(64)}`)
    expect(withDigest(new URL('http://r/v2/x/blobs/uploads/u'), d).search).toBe(`?digest=sha256%3A${'a'.repeat(64)}`)
  })

  it('switches to chunks once a registry refused a streamed request', () => {
    const plan = new UploadPlan()
    expect(plan.chunk).toBeUndefined()
    plan.capped()
    expect(plan.chunk).toBe(FALLBACK_CHUNK_SIZE)
    expect(new UploadPlan(1 << 20).chunk).toBe(1 << 20)
  })
})

describe('progress', () => {
  it('prints one quiet line per finished blob and bars with bytes for a terminal', () => {
    let now = 0
    const t = new ProgressTracker(() => now)
    const d = `sha256:${'b'.repeat(64)}`
    expect(t.update({kind: 'blob', digest: d, size: 4 << 20, state: 'uploading', bytes: 0})).toBeUndefined()
    now = 1000
    expect(t.update({kind: 'blob', digest: d, size: 4 << 20, state: 'uploading', bytes: 2 << 20})).toBeUndefined()
    expect(t.bars(10)).toEqual(['bbbbbbbbbbbb uploading   [====>     ] 2.0 MiB / 4.0 MiB  2.0 MiB/s'])
    expect(t.update({kind: 'blob', digest: d, size: 4 << 20, state: 'uploaded'})).toBe('bbbbbbbbbbbb uploaded (4.0 MiB)')
    expect(t.update({kind: 'blob', digest: `sha256:${'c'.repeat(64)}`, size: 10, state: 'mounted', from: 'team/base'})).toBe('cccccccccccc mounted from team/base (10 B)')
    expect(humanBytes(1536)).toBe('1.5 KiB')
  })
})

describe('small parsers', () => {
  it('platforms', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({os: 'linux', architecture: 'arm64', variant: 'v8'})
    expect(parsePlatform('linux/amd64')).toEqual({os: 'linux', architecture: 'amd64'})
    expect(() => parsePlatform('amd64')).toThrow(/os\/architecture/)
  })
  it('paths with tags', () => {
    expect(splitPathTag('/a/b:c')).toEqual({path: '/a/b', tag: 'c'})
    expect(splitPathTag('./x:y/z')).toEqual({path: './x:y/z'})
  })
  it('registry names for login', () => {
    expect(normalizeRegistry('https://index.docker.io/v1/')).toBe('docker.io')
    expect(normalizeRegistry('http://localhost:5000')).toBe('localhost:5000')
    expect(() => normalizeRegistry('a b')).toThrow(/invalid registry/)
  })
})

describe('runPool', () => {
  it('keeps at most `jobs` tasks running and stops starting new ones after a failure', async () => {
    let running = 0
    let peak = 0
    const started: number[] = []
    const err = await runPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n)
      running++
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, 5))
      running--
      if (n === 2) throw new Error('boom')
      return n
    }).catch((e: Error) => e)
    expect((err as Error).message).toBe('boom')
    expect(peak).toBe(2)
    expect(started.length).toBeLessThan(6)
    expect(await runPool([1, 2, 3], 8, async (n) => n * 2)).toEqual([2, 4, 6])
  })
})

/** The oracle guard itself: a missing tool skips (saying which) or, with SYSBUILD_TEST_STRICT, fails. */
import {afterEach, describe, expect, it} from 'vitest'
import {needTool, toolSkipReason} from './tools.js'

const NONE = 'sysbuild-no-such-tool-x9'
const saved = process.env.SYSBUILD_TEST_STRICT
afterEach(() => {
  if (saved === undefined) delete process.env.SYSBUILD_TEST_STRICT
  else process.env.SYSBUILD_TEST_STRICT = saved
})

/** A stand-in for vitest's context: skip() throws, as the real one does. */
const fakeContext = () => {
  const notes: (string | undefined)[] = []
  return {notes, skip: (note?: string): never => {
    notes.push(note)
    throw new Error('skipped')
  }}
}

describe('needTool / toolSkipReason', () => {
  it('returns when the tools are there (commands on PATH, absolute paths that exist)', () => {
    process.env.SYSBUILD_TEST_STRICT = '1'
    const ctx = fakeContext()
    expect(() => needTool(ctx, 'sh', '/bin/sh')).not.toThrow()
    expect(ctx.notes).toEqual([])
    expect(toolSkipReason('sh')).toBeUndefined()
  })

  it('skips with the missing tool named, by default', () => {
    delete process.env.SYSBUILD_TEST_STRICT
    const ctx = fakeContext()
    expect(() => needTool(ctx, 'sh', NONE, '/no/such/file')).toThrow('skipped')
    expect(ctx.notes).toEqual([`missing ${NONE}, /no/such/file`])
    expect(toolSkipReason(NONE)).toBe(`missing ${NONE}`)
  })

  it('fails instead when SYSBUILD_TEST_STRICT is set', () => {
    process.env.SYSBUILD_TEST_STRICT = '1'
    const ctx = fakeContext()
    expect(() => needTool(ctx, NONE)).toThrow(/missing sysbuild-no-such-tool-x9, and SYSBUILD_TEST_STRICT is set/)
    expect(ctx.notes).toEqual([])
    expect(() => toolSkipReason(NONE)).toThrow(/SYSBUILD_TEST_STRICT/)
  })
})

import {describe, expect, it} from 'vitest'
import {parseInfo, renderInfo, valueSources, type Info} from '../../src/engine/info-file.js'

const info: Info = {
  image: 'etcd', revision: 'ab'.repeat(32), 'ostree-commit': `sha256:${'ab'.repeat(32)}`, created: 1700000000,
  values: {NAME: 'etcd', PORT: '1'}, 'has-container-service': true, runtime: '/usr/bin/runc',
  sysbuild: {format: 1, sources: {NAME: 'forced', PORT: 'set'}},
}

describe('info file', () => {
  it('is JSON with 4-space indent and a trailing newline, and reads back', () => {
    const text = renderInfo(info)
    expect(text).toBe(`${JSON.stringify(info, null, 4)}\n`)
    expect(text.split('\n')[1]).toBe('    "image": "etcd",')
    expect(parseInfo(text, 'x')).toEqual(info)
  })
  it('reads atomic’s info files: integer HOST_UID, unknown keys, no provenance (all values count as --set)', () => {
    const atomic = JSON.stringify({...info, sysbuild: undefined, values: {HOST_UID: 0, NAME: 'etcd'}, 'some-future-key': 1})
    const parsed = parseInfo(atomic, 'x')
    expect(parsed.values.HOST_UID).toBe('0')
    expect(valueSources(parsed)).toEqual({HOST_UID: 'set', NAME: 'set'})
  })
  it('refuses broken files with SYSBUILD_ENGINE_BROKEN naming the file', () => {
    expect(() => parseInfo('{"image": ', '/x/info')).toThrow(expect.objectContaining({code: 'SYSBUILD_ENGINE_BROKEN', message: 'Invalid json in info file: /x/info.'}))
    expect(() => parseInfo('{"image": "x"}', '/x/info')).toThrow(expect.objectContaining({code: 'SYSBUILD_ENGINE_BROKEN'}))
  })
})

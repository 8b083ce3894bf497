/** system-buildah's labels: the architecture spelling, the name without a registry host, KEY=VALUE parsing. */
import {describe, expect, it} from 'vitest'
import {imageLabels, labelArchitecture, parseBaseSpec, parseImageName, parseKeyValues} from '../../src/engine/index.js'
import {sh} from '../image/kit.js'

describe('build labels', () => {
  it('spells architectures as uname -m does (system-buildah\'s default was x86_64)', () => {
    expect(['amd64', 'arm64', '386', 'ppc64le', 's390x', 'riscv64', 'loong64'].map((a) => labelArchitecture(a))).toEqual(['x86_64', 'aarch64', 'i686', 'ppc64le', 's390x', 'riscv64', 'loongarch64'])
    expect([labelArchitecture('arm'), labelArchitecture('arm', 'v6'), labelArchitecture('arm', 'v7')]).toEqual(['armv7l', 'armv6l', 'armv7l'])
    expect(labelArchitecture('wasm')).toBe('wasm')
    // The host: its GOARCH spelling, mapped, is what the kernel reports.
    const goarch = {x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'}[process.arch as string]
    if (goarch) expect(labelArchitecture(goarch)).toBe(sh('uname -m').trim())
  })

  it('defaults name and architecture, lets the user override them, and always sets atomic.type=system', () => {
    const image = parseImageName('registry.example.com:5000/team/app:1')
    expect(imageLabels({image, architecture: 'arm64'})).toEqual({name: 'team/app', architecture: 'aarch64', 'atomic.type': 'system'})
    expect(imageLabels({image: parseImageName('localhost/app'), architecture: 'amd64', user: {name: 'mine', version: '1', 'atomic.type': 'other'}}))
      .toEqual({name: 'mine', architecture: 'x86_64', version: '1', 'atomic.type': 'system'})
    expect(imageLabels({image: parseImageName('example/etcd'), architecture: 'amd64'}).name).toBe('example/etcd')
  })

  it('splits KEY=VALUE at the first = and refuses items without a key', () => {
    expect(parseKeyValues(['a=b=c', 'empty=', 'a=again'], '--label')).toEqual({a: 'again', empty: ''})
    for (const bad of ['novalue', '=x', '']) expect(() => parseKeyValues([bad], '--annotation')).toThrow(expect.objectContaining({code: 'SYSBUILD_USAGE_INVALID_ARGUMENT'}))
    // Any key is a label, __proto__ too (not the object's prototype).
    expect(Object.entries(parseKeyValues(['__proto__=x', 'constructor=y'], '--label'))).toEqual([['__proto__', 'x'], ['constructor', 'y']])
  })
})

describe('docker-daemon: bases', () => {
  it('get :latest when the last path component has no tag and there is no digest, as push does', () => {
    const ref = (s: string) => (parseBaseSpec(s, '/') as {ref: string}).ref
    expect(ref('docker-daemon:app')).toBe('app:latest')
    expect(ref('docker-daemon:localhost:5000/team/app')).toBe('localhost:5000/team/app:latest')
    expect(ref('docker-daemon:localhost:5000/team/app:2')).toBe('localhost:5000/team/app:2')
    expect(ref('docker-daemon:app@sha256:' + 'a'.repeat(64))).toBe('app@sha256:' + 'a'.repeat(64))
  })
})

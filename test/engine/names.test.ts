import {describe, expect, it} from 'vitest'
import {defaultContainerName, hasRegistryComponent, isValidContainerName, validateContainerName} from '../../src/engine/names.js'

describe('defaultContainerName (atomic-semantics.md §16)', () => {
  it.each([
    ['foo/etcd:v3', 'etcd-v3'],
    ['registry.example.com/f27/etcd', 'etcd'],
    ['localhost:5000/busybox:latest', 'busybox'],
    ['myreg:5000/etcd', 'etcd'],
    ['oci:registry.example.com/flannel:0.9', 'flannel-0.9'],
    ['docker:busybox:1', 'busybox-1'],
    ['docker://quay.io/coreos/etcd:v3.2', 'etcd-v3.2'],
    [`quay.io/x/etcd@sha256:${'a'.repeat(64)}`, 'etcd'],
    ['http:127.0.0.1:5000/sb/hello:1', 'hello-1'],
    ['hello-world', 'hello-world'],
    ['oci-layout:/tmp/images/hello:v2', 'hello-v2'],
    ['oci-layout:/tmp/images/hello', 'hello'],
    ['oci-archive:/tmp/hello.tar', 'hello'],
  ])('%s → %s', (ref, name) => expect(defaultContainerName(ref)).toBe(name))
})

describe('container names (D18)', () => {
  it('accepts runc ids, unit names and path components only', () => {
    for (const ok of ['etcd', 'etcd-v3', 'a.b_c', 'x.0', '9lives']) expect(isValidContainerName(ok)).toBe(true)
    for (const bad of ['', '-x', '.hidden', 'a b', "it's", 'a/b', '../x', 'x'.repeat(201)]) expect(isValidContainerName(bad)).toBe(false)
  })
  it('refuses with SYSBUILD_ENGINE_INVALID_NAME and atomic’s words for the empty name', () => {
    expect(() => validateContainerName('')).toThrow(expect.objectContaining({code: 'SYSBUILD_ENGINE_INVALID_NAME', message: 'Invalid container name'}))
    expect(() => validateContainerName('a b')).toThrow(expect.objectContaining({code: 'SYSBUILD_ENGINE_INVALID_NAME'}))
  })
  it('decides registries by the Docker rule, without DNS (D11)', () => {
    expect(hasRegistryComponent('myreg:5000/etcd')).toBe(true)
    expect(hasRegistryComponent('localhost/etcd')).toBe(true)
    expect(hasRegistryComponent('registry.example.com/etcd')).toBe(true)
    expect(hasRegistryComponent('foo/etcd')).toBe(false)
    expect(hasRegistryComponent('etcd')).toBe(false)
  })
})

import {describe, expect, it} from 'vitest'
import {familiarReference, formatReference, isLoopbackRegistry, parseReference} from '../../src/registry/reference.js'
import {SysbuildError} from '../../src/core/index.js'

const D = `sha256:${'a'.repeat(64)}`

describe('parseReference: docker normalisation', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['team/app:1.0', 'docker.io/team/app:1.0'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['registry-1.docker.io/x/y:z', 'docker.io/x/y:z'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['127.0.0.1:5000/sb/busybox:v1', '127.0.0.1:5000/sb/busybox:v1'],
    ['quay.io/org/repo/sub:tag', 'quay.io/org/repo/sub:tag'],
    ['Registry/app', 'Registry/app:latest'],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
    ['docker://ghcr.io/o/r:t', 'ghcr.io/o/r:t'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`],
    ['a__b/c--d.e_f:T_1.x-y', 'docker.io/a__b/c--d.e_f:T_1.x-y'],
  ])('%s → %s', (input, want) => {
    expect(formatReference(parseReference(input))).toBe(want)
  })

  it('splits registry, repository, tag and digest', () => {
    expect(parseReference(`localhost:5000/a/b:t@${D}`)).toEqual({registry: 'localhost:5000', repository: 'a/b', tag: 't', digest: D})
    expect(parseReference('localhost:5000')).toEqual({registry: 'docker.io', repository: 'library/localhost', tag: '5000'})
  })

  it('gives the familiar spelling back', () => {
    expect(familiarReference(parseReference('busybox'))).toBe('busybox:latest')
    expect(familiarReference(parseReference('team/app:1'))).toBe('team/app:1')
    expect(familiarReference(parseReference('quay.io/a/b:1'))).toBe('quay.io/a/b:1')
  })

  it.each([
    ['', 'empty'],
    ['Busybox', 'lower-case'],
    ['busy box', 'white space'],
    ['busybox:', 'not a valid tag'],
    ['busybox:-x', 'not a valid tag'],
    [`busybox:${'x'.repeat(129)}`, 'not a valid tag'],
    ['busybox@sha256:abc', 'not a digest'],
    [`busybox@sha256:${'A'.repeat(64)}`, '64 lower-case'],
    ['a//b', 'not a valid path component'],
    ['a/b_', 'not a valid path component'],
    ['exa_mple.com:x/app', 'not a valid registry host'],
    ['a'.repeat(64), 'image ID'],
    [`r.io/${'a'.repeat(260)}`, 'longer than 255'],
  ])('refuses %j (%s) with SYSBUILD_IMAGE_INVALID_REFERENCE', (input, why) => {
    let err: unknown
    try {
      parseReference(input)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SysbuildError)
    expect((err as SysbuildError).code).toBe('SYSBUILD_IMAGE_INVALID_REFERENCE')
    expect((err as SysbuildError).message).toContain(why)
    expect((err as SysbuildError).message).toContain(JSON.stringify(input))
  })

  it('knows loopback registries without DNS', () => {
    expect(isLoopbackRegistry('localhost:5000')).toBe(true)
    expect(isLoopbackRegistry('127.0.0.1:5000')).toBe(true)
    expect(isLoopbackRegistry('127.9.8.7')).toBe(true)
    expect(isLoopbackRegistry('[::1]:5000')).toBe(true)
    expect(isLoopbackRegistry('localhost.example.com')).toBe(false)
    expect(isLoopbackRegistry('docker.io')).toBe(false)
  })
})

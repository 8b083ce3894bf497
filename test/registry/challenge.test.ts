import {describe, expect, it} from 'vitest'
import {findChallenge, parseChallenges} from '../../src/registry/auth/challenge.js'
import {parseRetryAfter, retryPolicy, isRetryableStatus} from '../../src/registry/http/retry.js'
import {mergeScopes} from '../../src/registry/auth/session.js'
import {codeForStatus, parseErrorBody} from '../../src/registry/errors.js'

describe('WWW-Authenticate', () => {
  it('parses a distribution bearer challenge', () => {
    const [c] = parseChallenges(['Bearer realm="http://127.0.0.1:5002/token",service="test-registry",scope="repository:a/b:pull,push",error="insufficient_scope"'])
    expect(c).toEqual({scheme: 'bearer', params: {realm: 'http://127.0.0.1:5002/token', service: 'test-registry', scope: 'repository:a/b:pull,push', error: 'insufficient_scope'}})
  })

  it('parses basic, several challenges in one header, spaces, unquoted values and escapes', () => {
    const cs = parseChallenges(['Basic realm="basic-realm", Bearer realm="https://auth.example/token", service=reg.example , scope="repository:x:pull"', 'Newauth realm="a \\"quoted\\" realm"'])
    expect(cs.map((c) => c.scheme)).toEqual(['basic', 'bearer', 'newauth'])
    expect(findChallenge(cs, 'Bearer')?.params).toEqual({realm: 'https://auth.example/token', service: 'reg.example', scope: 'repository:x:pull'})
    expect(findChallenge(cs, 'newauth')?.params.realm).toBe('a "quoted" realm')
    expect(parseChallenges(['Basic'])).toEqual([{scheme: 'basic', params: {}}])
    expect(parseChallenges([''])).toEqual([])
  })
})

describe('scopes', () => {
  it('merges actions per resource', () => {
    expect(mergeScopes(['repository:a:pull'], ['repository:a:push,pull', 'repository:b:pull'])).toEqual(['repository:a:pull,push', 'repository:b:pull'])
  })
})

describe('retry policy', () => {
  it('honours Retry-After in seconds and as a date, capped', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(retryPolicy({maxRetryAfterMs: 2000}).delay(1, '120')).toBe(2000)
  })
  it('backs off exponentially with jitter', () => {
    const p = retryPolicy({baseDelayMs: 100, maxDelayMs: 1000})
    for (let i = 0; i < 20; i++) {
      expect(p.delay(1)).toBeGreaterThanOrEqual(50)
      expect(p.delay(1)).toBeLessThanOrEqual(100)
      expect(p.delay(10)).toBeLessThanOrEqual(1000)
    }
  })
  it('retries 408, 429 and 5xx but not 501/505 or 4xx', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([400, 401, 403, 404, 416, 501, 505].some(isRetryableStatus)).toBe(false)
  })
})

describe('registry error mapping', () => {
  it('maps status and registry codes to sysbuild codes', () => {
    const body = (code: string) => parseErrorBody(JSON.stringify({errors: [{code, message: 'm'}]}))
    expect(codeForStatus(401, body('UNAUTHORIZED'))).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
    expect(codeForStatus(403, body('DENIED'))).toBe('SYSBUILD_REGISTRY_DENIED')
    expect(codeForStatus(404, body('NAME_UNKNOWN'))).toBe('SYSBUILD_REGISTRY_NOT_FOUND')
    expect(codeForStatus(404, body('MANIFEST_UNKNOWN'))).toBe('SYSBUILD_REGISTRY_NOT_FOUND')
    expect(codeForStatus(400, body('MANIFEST_INVALID'))).toBe('SYSBUILD_REGISTRY_REJECTED')
    expect(codeForStatus(429, body('TOOMANYREQUESTS'))).toBe('SYSBUILD_REGISTRY_UNAVAILABLE')
    expect(codeForStatus(503, [])).toBe('SYSBUILD_REGISTRY_UNAVAILABLE')
    expect(codeForStatus(418, [])).toBe('SYSBUILD_REGISTRY_PROTOCOL')
    expect(parseErrorBody('<html>')).toEqual([])
  })
})

/** Token handling of one registry session against the test kit's token server, with a fake clock. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {AuthSession} from '../../src/registry/auth/session.js'
import {parseChallenges} from '../../src/registry/auth/challenge.js'
import {createTransport} from '../../src/registry/http/transport.js'
import {retryPolicy} from '../../src/registry/http/retry.js'
import {startTokenServer, type TokenServer} from '../kit/registry-token-server.js'
import {hasCommand} from '../kit/registry.js'

const skip = hasCommand('openssl') ? undefined : 'openssl is missing'

describe.skipIf(skip)('AuthSession', () => {
  let tok: TokenServer
  const transport = createTransport()
  beforeAll(async () => {
    tok = await startTokenServer({users: {alice: 's3cret'}, ttlSeconds: 300})
  })
  afterAll(async () => {
    await transport.close()
    await tok?.stop()
  })

  const session = (clock: {t: number}) => {
    const s = new AuthSession({registry: 'reg.test', transport, credentials: async () => ({username: 'alice', password: 's3cret'}), retry: retryPolicy({attempts: 1}), now: () => clock.t})
    s.setChallenges(parseChallenges([`Bearer realm="${tok.realm}",service="${tok.service}"`]))
    return s
  }

  it('shares one token between concurrent requests and reuses it while fresh', async () => {
    tok.requests.length = 0
    const s = session({t: Date.now()})
    const headers = await Promise.all(Array.from({length: 5}, () => s.header(['repository:a:pull,push'])))
    expect(new Set(headers).size).toBe(1)
    expect(headers[0]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
    expect(await s.header(['repository:a:pull'])).toBe(headers[0])
    expect(tok.requests.length).toBe(1)
  })

  it('widens the token when a new scope is needed, keeping the old ones', async () => {
    tok.requests.length = 0
    const s = session({t: Date.now()})
    await s.header(['repository:b:pull,push'])
    await s.header(['repository:b:pull,push', 'repository:a:pull'])
    expect(tok.requests.map((r) => r.scopes)).toEqual([['repository:b:pull,push'], ['repository:b:pull,push', 'repository:a:pull']])
  })

  it('renews shortly before expiry (fake clock), and after a 401 naming a missing scope', async () => {
    tok.requests.length = 0
    const clock = {t: Date.now()}
    const s = session(clock)
    const first = await s.header(['repository:c:pull'])
    clock.t += 280_000
    expect(await s.header(['repository:c:pull'])).toBe(first)
    clock.t += 15_000 // 295 s into a 300 s token: inside the renewal margin
    await s.header(['repository:c:pull'])
    expect(tok.requests.length).toBe(2)
    expect(await s.unauthorized(parseChallenges([`Bearer realm="${tok.realm}",service="${tok.service}",scope="repository:c:push",error="insufficient_scope"`]), ['repository:c:pull'])).toBe(true)
    await s.header(['repository:c:pull'])
    expect(tok.requests.at(-1)?.scopes).toEqual(['repository:c:pull,push'])
  })

  it('a refused password fails every waiter once, with SYSBUILD_REGISTRY_UNAUTHORIZED', async () => {
    tok.requests.length = 0
    const s = new AuthSession({registry: 'reg.test', transport, credentials: async () => ({username: 'alice', password: 'nope'}), retry: retryPolicy({attempts: 1})})
    s.setChallenges(parseChallenges([`Bearer realm="${tok.realm}",service="${tok.service}"`]))
    const results = await Promise.allSettled(Array.from({length: 4}, () => s.header(['repository:a:pull'])))
    expect(results.every((r) => r.status === 'rejected' && (r.reason as {code: string}).code === 'SYSBUILD_REGISTRY_UNAUTHORIZED')).toBe(true)
    expect(tok.requests.length).toBe(1)
  })
})

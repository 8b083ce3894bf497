/**
 * Authentication against the real registry: htpasswd basic auth, and token auth with the test kit's token
 * server (GET with basic credentials, OAuth2 POST with a password or a refresh token, scope widening for
 * cross-repository mounts, tokens that expire in the middle of a push). skopeo checks what landed.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {createServer} from 'node:http'
import {join} from 'node:path'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {startTokenServer, type TokenServer} from '../kit/registry-token-server.js'
import {startFaultProxy, type FaultProxy} from '../kit/registry-proxy.js'
import {buildTestImage, skopeoInspect, type TestImage} from '../kit/registry-image.js'
import {keychain, loginRegistry, logoutRegistry, pullImageTo, pushImageFrom, type PushOptions} from '../../src/registry/index.js'
import {SysbuildError} from '../../src/core/index.js'

const skip = registrySkipReason('skopeo', 'umoci')
if (skip) console.warn(`registry auth tests skipped: ${skip}`)

const MiB = 1 << 20
const alice = {username: 'alice', password: 's3cret'}
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as SysbuildError)

describe.skipIf(skip)('registry authentication', () => {
  let dir: string
  let img: TestImage
  let n = 0
  const store = () => join(dir, `store-${++n}`)

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-auth-'))
    img = buildTestImage(dir, {randomBytes: 5 * MiB})
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const push = (ref: string, opts: PushOptions = {}) => pushImageFrom(`oci:${img.layout}:latest`, ref, {storeDir: store(), ...opts})

  describe('htpasswd basic auth', () => {
    let reg: TestRegistry
    beforeAll(async () => {
      reg = await startRegistry({auth: {htpasswd: {alice: 's3cret'}}})
    })
    afterAll(async () => reg?.stop())

    it('pushes with credentials; skopeo with the same credentials sees the digest', async () => {
      const r = await push(`${reg.host}/basic/app:1`, {credentials: keychain({explicit: alice})})
      expect(r.digest).toBe(img.digest)
      expect((await skopeoInspect(`${reg.host}/basic/app:1`, ['--creds', 'alice:s3cret'])).Digest).toBe(img.digest)
    })

    it('without credentials: SYSBUILD_REGISTRY_UNAUTHORIZED (exit 4) suggesting login', async () => {
      const e = await errorOf(pullImageTo(`${reg.host}/basic/app:1`, store()))
      expect(e?.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
      expect(e?.exitCode).toBe(4)
      expect(e?.message).toContain('authentication required')
      expect(e?.hint.suggestions?.join(' ')).toContain(`sysbuild login ${reg.host}`)
    })

    it('a wrong password: SYSBUILD_REGISTRY_UNAUTHORIZED naming the user, never the password', async () => {
      const e = await errorOf(pullImageTo(`${reg.host}/basic/app:1`, store(), {credentials: keychain({explicit: {username: 'alice', password: 'wrong-pw'}})}))
      expect(e?.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
      expect(e?.message).toContain('refused the credentials of alice')
      expect(JSON.stringify({m: e?.message, h: e?.hint})).not.toContain('wrong-pw')
    })

    it('follows a blob redirect to another origin without sending it the Authorization header', async () => {
      // blob GETs answered with 307 to a "storage" server on another port, which fetches from the registry itself
      const seen: (string | undefined)[] = []
      const storage = createServer((req, res) => {
        seen.push(req.headers.authorization)
        const path = new URL(req.url ?? '/', 'http://x').searchParams.get('path') ?? ''
        fetch(`${reg.url}${path}`, {headers: {authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}`}}).then(async (r) => {
          res.writeHead(r.status, {'content-length': r.headers.get('content-length') ?? undefined})
          res.end(Buffer.from(await r.arrayBuffer()))
        }, () => res.destroy())
      })
      await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve))
      const port = (storage.address() as {port: number}).port
      const proxy = await startFaultProxy(reg.host, (r) =>
        r.method === 'GET' && r.path.includes('/blobs/sha256:') ? {kind: 'respond', status: 307, headers: {location: `http://127.0.0.1:${port}/blob?path=${encodeURIComponent(r.path)}`}, body: ''} : undefined)
      try {
        const r = await pullImageTo(`${proxy.host}/basic/app:1`, store(), {credentials: keychain({explicit: alice})})
        expect(r.digest).toBe(img.digest)
        expect(seen.length).toBe(3)
        expect(seen).toEqual([undefined, undefined, undefined])
        // while the registry origin itself got Basic credentials
        expect(proxy.log.filter((l) => l.status === 307).every((l) => l.authorization === 'Basic')).toBe(true)
      } finally {
        await proxy.stop()
        storage.closeAllConnections()
        await new Promise<void>((resolve) => storage.close(() => resolve()))
      }
    })

    it('login checks the password and writes config.json; pulls then use it; logout forgets it', async () => {
      const env = {...process.env, DOCKER_CONFIG: join(dir, 'docker-basic'), REGISTRY_AUTH_FILE: join(dir, 'none.json')}
      const bad = await errorOf(loginRegistry(reg.host, {username: 'alice', password: 'nope'}, {env}))
      expect(bad?.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
      expect(() => readFileSync(join(dir, 'docker-basic', 'config.json'))).toThrow()
      const ok = await loginRegistry(`http://${reg.host}/`, alice, {env})
      expect(ok).toMatchObject({registry: reg.host, scheme: 'basic', identityToken: false})
      const r = await pullImageTo(`${reg.host}/basic/app:1`, store(), {credentials: keychain({env})})
      expect(r.digest).toBe(img.digest)
      expect(await logoutRegistry(reg.host, {env})).toEqual({registry: reg.host, removed: true})
      const e = await errorOf(pullImageTo(`${reg.host}/basic/app:1`, store(), {credentials: keychain({env})}))
      expect(e?.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
    })
  })

  describe('token auth', () => {
    let tok: TokenServer
    let reg: TestRegistry
    beforeAll(async () => {
      tok = await startTokenServer({users: {alice: 's3cret', bob: 'reader'}, pullOnly: ['bob']})
      reg = await startRegistry({auth: {token: {realm: tok.realm, service: tok.service, issuer: tok.issuer, certFile: tok.certFile}}})
    })
    afterAll(async () => {
      await reg?.stop()
      await tok?.stop()
    })

    it('gets a token with basic credentials for pull,push on the repository and pushes', async () => {
      tok.requests.length = 0
      const r = await push(`${reg.host}/tok/a:1`, {credentials: keychain({explicit: alice})})
      expect(r.digest).toBe(img.digest)
      // concurrent blob requests share one token
      expect(tok.requests).toEqual([{method: 'GET', grant: 'basic', account: 'alice', scopes: ['repository:tok/a:pull,push'], status: 200}])
      expect((await skopeoInspect(`${reg.host}/tok/a:1`, ['--creds', 'alice:s3cret'])).Digest).toBe(img.digest)
    })

    it('a cross-repository mount widens the token with pull on the source repository', async () => {
      const s = store()
      const creds = keychain({explicit: alice})
      await pullImageTo(`${reg.host}/tok/a:1`, s, {credentials: creds})
      tok.requests.length = 0
      const mark = reg.mark()
      const r = await pushImageFrom(`${reg.host}/tok/a:1`, `${reg.host}/tok/b:1`, {storeDir: s, credentials: creds})
      expect(r.blobs.mounted).toBe(3)
      expect(tok.requests.at(-1)?.scopes).toEqual(['repository:tok/b:pull,push', 'repository:tok/a:pull'])
      const mounts = reg.accessLog().slice(mark).filter((l) => l.path.includes('mount=') && l.status === 201)
      expect(mounts.length).toBe(3)
      expect((await skopeoInspect(`${reg.host}/tok/b:1`, ['--creds', 'alice:s3cret'])).Digest).toBe(img.digest)
    })

    it('a wrong password: "unable to retrieve auth token", exit 4', async () => {
      const e = await errorOf(push(`${reg.host}/tok/a:2`, {credentials: keychain({explicit: {username: 'alice', password: 'bad-secret'}})}))
      expect(e?.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
      expect(e?.exitCode).toBe(4)
      expect(e?.message).toBe('unable to retrieve auth token: invalid username or password for ' + reg.host)
      expect(JSON.stringify({m: e?.message, h: e?.hint})).not.toContain('bad-secret')
    })

    it('valid credentials without push access: SYSBUILD_REGISTRY_DENIED (exit 4), not a password problem', async () => {
      const e = await errorOf(push(`${reg.host}/tok/a:3`, {credentials: keychain({explicit: {username: 'bob', password: 'reader'}})}))
      expect(e?.code).toBe('SYSBUILD_REGISTRY_DENIED')
      expect(e?.exitCode).toBe(4)
      expect(e?.message).toMatch(/access denied for bob \(repository:tok\/a:(push,pull|pull,push)\)/)
      // bob may still pull
      expect((await pullImageTo(`${reg.host}/tok/a:1`, store(), {credentials: keychain({explicit: {username: 'bob', password: 'reader'}})})).digest).toBe(img.digest)
    })

    it('anonymous access the token server does not grant: SYSBUILD_REGISTRY_UNAUTHORIZED', async () => {
      const e = await errorOf(pullImageTo(`${reg.host}/tok/a:1`, store()))
      expect(e?.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
      expect(e?.message).toContain('authentication required')
    })

    it('login stores the refresh token the server hands out; later pushes use the OAuth2 refresh_token grant', async () => {
      const env = {...process.env, DOCKER_CONFIG: join(dir, 'docker-token'), REGISTRY_AUTH_FILE: join(dir, 'none.json')}
      const r = await loginRegistry(reg.host, alice, {env})
      expect(r).toMatchObject({scheme: 'bearer', identityToken: true})
      const config = JSON.parse(readFileSync(join(dir, 'docker-token', 'config.json'), 'utf8')) as {auths: Record<string, {auth: string; identitytoken?: string}>}
      const entry = config.auths[reg.host]!
      expect(entry.identitytoken).toMatch(/^[a-f0-9]{32}$/)
      expect(Buffer.from(entry.auth, 'base64').toString()).toBe('alice:')
      tok.requests.length = 0
      expect((await push(`${reg.host}/tok/c:1`, {credentials: keychain({env})})).digest).toBe(img.digest)
      expect(tok.requests.map((q) => `${q.method} ${q.grant} ${q.status}`)).toEqual(['POST refresh_token 200'])
    })

    it('a token that expires in the middle of a push: the 401 brings a new token and the push completes', async () => {
      // tokens die at the registry after 1 s while the server claims an hour; a proxy slows each chunk
      tok.set({ttlSeconds: 1, reportedExpiresIn: 3600})
      const proxy: FaultProxy = await startFaultProxy(reg.host, (r) => (r.method === 'PATCH' ? {kind: 'delay', ms: 250} : undefined))
      try {
        tok.requests.length = 0
        const mark = reg.mark()
        const ref = `${proxy.host}/tok/expiry:1`
        const r = await push(ref, {credentials: keychain({explicit: alice}), chunkSize: MiB, jobs: 1})
        expect(r.digest).toBe(img.digest)
        const log = reg.accessLog().slice(mark)
        const firstUpload = log.findIndex((l) => l.method === 'PATCH' && l.status === 202)
        expect(log.slice(firstUpload).some((l) => l.status === 401)).toBe(true)
        expect(tok.requests.length).toBeGreaterThanOrEqual(2)
        tok.set({ttlSeconds: 300, reportedExpiresIn: undefined})
        expect((await skopeoInspect(`${reg.host}/tok/expiry:1`, ['--creds', 'alice:s3cret'])).Digest).toBe(img.digest)
      } finally {
        tok.set({ttlSeconds: 300, reportedExpiresIn: undefined})
        await proxy.stop()
      }
    })
  })

  describe('an OAuth2-only token server (no GET form)', () => {
    let tok: TokenServer
    let reg: TestRegistry
    beforeAll(async () => {
      tok = await startTokenServer({users: {alice: 's3cret'}, allowGet: false})
      reg = await startRegistry({auth: {token: {realm: tok.realm, service: tok.service, issuer: tok.issuer, certFile: tok.certFile}}})
    })
    afterAll(async () => {
      await reg?.stop()
      await tok?.stop()
    })

    it('falls back to the OAuth2 password grant (POST form)', async () => {
      const r = await push(`${reg.host}/oauth/app:1`, {credentials: keychain({explicit: alice})})
      expect(r.digest).toBe(img.digest)
      expect(tok.requests.map((q) => `${q.method} ${q.grant} ${q.status}`)).toEqual(['GET anonymous 404', 'POST password 200'])
      expect(tok.requests[1]?.scopes).toEqual(['repository:oauth/app:pull,push'])
    })
  })
})

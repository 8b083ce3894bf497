/**
 * The registry client: one registry, its HTTP transport and its auth session. `request()` composes the
 * cross-cutting behaviour around one exchange: authorization (and a single re-try after a 401 with a renewed
 * or widened token), retries with backoff on 429/5xx/broken connections, redirects (never carrying
 * Authorization to another origin), `Warning: 299` headers, and registry error bodies mapped to typed errors.
 */
import {isSysbuildError} from '../core/index.js'
import {AuthSession} from './auth/session.js'
import {findChallenge, parseChallenges, type Challenge} from './auth/challenge.js'
import {anonymous, type CredentialResolver} from './credentials/types.js'
import {RegistryError, isTransientNetworkError, networkCode, networkError, registryErrorFor} from './errors.js'
import {isRetryableStatus, retryPolicy, wait, type RetryOptions, type RetryPolicy} from './http/retry.js'
import {createTransport, type HttpRequest, type HttpResponse, type RequestBody, type Transport} from './http/transport.js'
import {apiHost, isLoopbackRegistry} from './reference.js'

export interface ClientOptions {
  /** Speak plain HTTP (default: only to loopback registries, as docker does for 127.0.0.0/8). */
  readonly plainHttp?: boolean
  /** Verify TLS certificates (default true). */
  readonly tlsVerify?: boolean
  readonly credentials?: CredentialResolver
  readonly retry?: RetryOptions
  readonly userAgent?: string
  /** Registry `Warning: 299` texts (shown to the user, never acted on). */
  readonly onWarning?: (text: string) => void
}

export interface RegistryRequest {
  readonly method: HttpRequest['method']
  /** A path below the registry root (`/v2/…`) or an absolute URL (an upload `Location`). */
  readonly target: string | URL
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /** Token scopes the request needs. */
  readonly scopes: readonly string[]
  /** The repository, for per-repository credentials. */
  readonly repository?: string
  /** Statuses returned to the caller; anything else becomes a RegistryError. */
  readonly ok: readonly number[]
  /** What the request does, for messages ("push blob sha256:… to 127.0.0.1:5000/sb/app"). */
  readonly what: string
  /** Re-send on 429/5xx/broken connections (default true; uploads of data resume themselves instead). */
  readonly retry?: boolean
  /** Follow redirects (default: for GET and HEAD). */
  readonly followRedirects?: boolean
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'CONNECT_TIMEOUT'])

export class RegistryClient {
  readonly baseUrl: URL
  readonly retry: RetryPolicy
  private readonly transport: Transport
  private readonly auth: AuthSession
  private pinged: Promise<void> | undefined

  constructor(readonly registry: string, private readonly opts: ClientOptions = {}) {
    const plain = opts.plainHttp ?? isLoopbackRegistry(registry)
    this.baseUrl = new URL(`${plain ? 'http' : 'https'}://${apiHost(registry)}/`)
    this.retry = retryPolicy(opts.retry)
    this.transport = createTransport({tlsVerify: opts.tlsVerify, userAgent: opts.userAgent})
    this.auth = new AuthSession({registry, transport: this.transport, credentials: opts.credentials ?? anonymous, retry: this.retry})
  }

  /** `GET /v2/` once: learns how the registry authenticates. Unreachable → SYSBUILD_REGISTRY_UNREACHABLE. */
  ping(): Promise<void> {
    this.pinged ??= this.doPing()
    return this.pinged
  }

  private async doPing(): Promise<void> {
    const what = `contact registry ${this.registry}`
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse
      try {
        res = await this.transport.send({method: 'GET', url: new URL('/v2/', this.baseUrl)})
      } catch (e) {
        if (attempt < this.retry.attempts && isTransientNetworkError(e) && !CONNECT_FAILURES.has(networkCode(e) ?? '')) {
          await wait(this.retry.delay(attempt))
          continue
        }
        this.pinged = undefined
        throw networkError(this.registry, '', e)
      }
      if (res.status === 200) return res.discard()
      if (res.status === 401) {
        this.auth.setChallenges(parseChallenges(res.headerAll('www-authenticate')))
        return res.discard()
      }
      if (isRetryableStatus(res.status) && attempt < this.retry.attempts) {
        await res.discard()
        await wait(this.retry.delay(attempt, res.header('retry-after')))
        continue
      }
      this.pinged = undefined
      if (res.status === 404) {
        await res.discard()
        throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${what}: ${this.baseUrl.origin}/v2/ answered 404; this is not an OCI registry`, 404)
      }
      const body = await res.text(64 * 1024)
      if (res.status === 400 && /https/i.test(body) && this.baseUrl.protocol === 'http:') {
        throw new RegistryError('SYSBUILD_REGISTRY_UNREACHABLE', `${what}: ${this.registry} speaks HTTPS, not plain HTTP`, 400, [], {
          suggestions: ['Use --no-plain-http (and --tls-verify=false for a self-signed certificate)'],
        })
      }
      throw registryErrorFor(what, res.status, body)
    }
  }

  /**
   * Verify that the configured credential is accepted (login): with token auth, a token fetched with it (and the
   * refresh token the server may hand out for `offline_token=true`); otherwise an authorized `GET /v2/`.
   */
  async checkLogin(): Promise<{scheme: string; refreshToken?: string}> {
    await this.ping()
    if (this.auth.scheme === 'none') return {scheme: 'none'}
    if (this.auth.scheme === 'bearer') {
      const token = await this.auth.loginToken()
      return {scheme: 'bearer', ...(token.refreshToken ? {refreshToken: token.refreshToken} : {})}
    }
    const res = await this.request({method: 'GET', target: '/v2/', scopes: [], ok: [200], what: `log in to ${this.registry}`})
    await res.discard()
    return {scheme: this.auth.scheme}
  }

  /** The credential the session would use (login stores it). */
  credential(repository?: string) {
    return this.auth.credential(repository)
  }

  async request(req: RegistryRequest): Promise<HttpResponse> {
    await this.ping()
    let url = typeof req.target === 'string' ? new URL(req.target, this.baseUrl) : req.target
    const retries = req.retry ?? true
    const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD')
    let authRetried = false
    let redirects = 0
    for (let attempt = 1; ; ) {
      const ours = url.origin === this.baseUrl.origin
      const headers: Record<string, string> = {...(req.headers ?? {})}
      if (ours) {
        const authorization = await this.auth.header(req.scopes, req.repository)
        if (authorization) headers.authorization = authorization
      }
      let res: HttpResponse
      try {
        res = await this.transport.send({method: req.method, url, headers, ...(req.body ? {body: req.body} : {})})
      } catch (e) {
        if (isSysbuildError(e)) throw e
        if (retries && attempt < this.retry.attempts && isTransientNetworkError(e)) {
          await wait(this.retry.delay(attempt++))
          continue
        }
        throw this.failedConnection(req.what, e)
      }
      for (const w of res.headerAll('warning')) this.warn(w)
      if (follow && REDIRECTS.has(res.status) && res.header('location')) {
        await res.discard()
        if (++redirects > 10) throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `${req.what}: more than 10 redirects`, res.status)
        url = new URL(res.header('location') ?? '', url)
        continue
      }
      if (res.status === 401 && ours && !authRetried) {
        authRetried = true
        const challenges = parseChallenges(res.headerAll('www-authenticate'))
        await res.discard()
        if (await this.auth.unauthorized(challenges, req.scopes)) continue
        throw await this.unauthorizedError(req, challenges)
      }
      if (req.ok.includes(res.status)) return res
      if (retries && isRetryableStatus(res.status) && attempt < this.retry.attempts) {
        const delay = this.retry.delay(attempt++, res.header('retry-after'))
        await res.discard()
        await wait(delay)
        continue
      }
      if (res.status === 401) {
        const challenges = parseChallenges(res.headerAll('www-authenticate'))
        await res.discard()
        throw await this.unauthorizedError(req, challenges)
      }
      throw registryErrorFor(req.what, res.status, await res.text(64 * 1024), [], res.header('retry-after'))
    }
  }

  private failedConnection(what: string, e: unknown): RegistryError {
    const c = networkCode(e) ?? ''
    if (CONNECT_FAILURES.has(c) || !isTransientNetworkError(e)) return networkError(this.registry, what, e)
    return new RegistryError('SYSBUILD_REGISTRY_UNAVAILABLE', `${what}: the connection to ${this.registry} kept breaking (${c})`, undefined, [], {
      suggestions: ['The registry or the network is unstable; try again later'],
    }, e)
  }

  private async unauthorizedError(req: RegistryRequest, challenges: readonly Challenge[]): Promise<RegistryError> {
    const cred = await this.auth.credential(req.repository)
    const bearer = findChallenge(challenges, 'bearer')
    if (cred && bearer?.params.error === 'insufficient_scope') {
      // the credentials are fine (a token was issued) but do not grant this access
      const scope = bearer.params.scope ?? req.scopes.join(' ')
      return new RegistryError('SYSBUILD_REGISTRY_DENIED', `${req.what}: access denied${cred.username ? ` for ${cred.username}` : ''} (${scope})`, 401, [], {
        suggestions: ['Check that the account may access this repository (and push to it, when pushing)'],
      })
    }
    const why = cred ? `the registry refused the credentials${cred.username ? ` of ${cred.username}` : ''}` : 'authentication required'
    return new RegistryError('SYSBUILD_REGISTRY_UNAUTHORIZED', `${req.what}: ${why}`, 401, [], {
      suggestions: cred ? [`Check the credentials, then run \`sysbuild login ${this.registry}\` again`] : [`Log in with \`sysbuild login ${this.registry}\`, or pass --creds USER:PASSWORD`],
    })
  }

  private warn(header: string): void {
    const m = /^\s*299\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(header)
    if (m && this.opts.onWarning) this.opts.onWarning(`${this.registry}: ${m[1]?.replace(/\\(.)/g, '$1')}`)
  }

  close(): Promise<void> {
    return this.transport.close()
  }
}

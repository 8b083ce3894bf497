/**
 * Bearer tokens from a registry's token server (distribution's token auth spec):
 * - `GET <realm>?service=…&scope=…` with Basic credentials, or anonymously;
 * - OAuth2 `POST <realm>` form with `grant_type=refresh_token` when the credential is an identity token, and
 *   with `grant_type=password` when the server has no GET endpoint (404/405).
 * The answer is `{token | access_token, expires_in (default 60), issued_at, refresh_token}`.
 */
import {RegistryError, isTransientNetworkError, networkError, parseErrorBody, describeDiagnostics} from '../errors.js'
import {isRetryableStatus, wait, type RetryPolicy} from '../http/retry.js'
import type {HttpRequest, HttpResponse, Transport} from '../http/transport.js'
import type {Credential} from '../credentials/types.js'

export interface BearerToken {
  readonly token: string
  /** Epoch ms after which the token must not be used. */
  readonly expiresAt: number
  /** An OAuth2 refresh token, when the server handed one out (login stores it as identity token). */
  readonly refreshToken?: string
}

export interface TokenRequest {
  readonly realm: string
  readonly service?: string
  readonly scopes: readonly string[]
  readonly credential?: Credential
  /** Ask for a refresh token too (`offline_token=true`), as `docker login` does. */
  readonly offlineToken?: boolean
  /** For messages: the registry the token is for. */
  readonly registry: string
}

export const CLIENT_ID = 'sysbuild'
const DEFAULT_LIFETIME_S = 60

const basic = (c: Credential): string => `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`

export async function fetchToken(transport: Transport, req: TokenRequest, retry: RetryPolicy, now = Date.now): Promise<BearerToken> {
  const cred = req.credential
  if (cred?.registryToken) return {token: cred.registryToken, expiresAt: Number.MAX_SAFE_INTEGER}
  let realm: URL
  try {
    realm = new URL(req.realm)
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error('not http(s)')
  } catch {
    throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `registry ${req.registry} named an unusable token realm ${JSON.stringify(req.realm)}`, undefined)
  }
  if (cred?.identityToken) {
    return parseTokenAnswer(await exchange(transport, oauthForm(realm, req, {grant_type: 'refresh_token', refresh_token: cred.identityToken}), req, retry), req, now)
  }
  const get = getRequest(realm, req)
  const res = await exchange(transport, get, req, retry, true)
  if ((res.status === 404 || res.status === 405) && cred?.username) {
    await res.discard()
    const form = oauthForm(realm, req, {grant_type: 'password', username: cred.username, password: cred.password ?? ''})
    return parseTokenAnswer(await exchange(transport, form, req, retry), req, now)
  }
  return parseTokenAnswer(res, req, now)
}

function getRequest(realm: URL, req: TokenRequest): HttpRequest {
  const url = new URL(realm)
  if (req.service) url.searchParams.set('service', req.service)
  for (const s of req.scopes) url.searchParams.append('scope', s)
  if (req.credential?.username) url.searchParams.set('account', req.credential.username)
  if (req.offlineToken) {
    url.searchParams.set('offline_token', 'true')
    url.searchParams.set('client_id', CLIENT_ID)
  }
  const headers: Record<string, string> = {accept: 'application/json'}
  if (req.credential?.username || req.credential?.password) headers.authorization = basic(req.credential)
  return {method: 'GET', url, headers}
}

function oauthForm(realm: URL, req: TokenRequest, grant: Record<string, string>): HttpRequest {
  const form = new URLSearchParams({...grant, client_id: CLIENT_ID})
  if (req.service) form.set('service', req.service)
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '))
  if (req.offlineToken && grant.grant_type === 'password') form.set('access_type', 'offline')
  return {method: 'POST', url: realm, headers: {'content-type': 'application/x-www-form-urlencoded', accept: 'application/json'}, body: Buffer.from(form.toString())}
}

/** Send with retries on 429/5xx/broken connections; `passNotFound` hands 404/405 back to the caller. */
async function exchange(transport: Transport, http: HttpRequest, req: TokenRequest, retry: RetryPolicy, passNotFound = false): Promise<HttpResponse> {
  const what = `get a token for ${req.registry} from ${http.url.origin}${http.url.pathname}`
  for (let attempt = 1; ; attempt++) {
    let res: HttpResponse
    try {
      res = await transport.send(http)
    } catch (e) {
      if (attempt < retry.attempts && isTransientNetworkError(e)) {
        await wait(retry.delay(attempt))
        continue
      }
      throw networkError(http.url.host, what, e)
    }
    if (res.status === 200) return res
    if (passNotFound && (res.status === 404 || res.status === 405)) return res
    if (isRetryableStatus(res.status) && attempt < retry.attempts) {
      await res.discard()
      await wait(retry.delay(attempt, res.header('retry-after')))
      continue
    }
    const body = await res.text(64 * 1024)
    throw tokenError(res.status, body, req)
  }
}

function tokenError(status: number, body: string, req: TokenRequest): RegistryError {
  const diagnostics = parseErrorBody(body)
  if (status === 401 || status === 403) {
    const who = req.credential?.username ? `invalid username or password for ${req.registry}` : `${req.registry} requires authentication`
    return new RegistryError('SYSBUILD_REGISTRY_UNAUTHORIZED', `unable to retrieve auth token: ${who}`, status, diagnostics, {
      suggestions: [req.credential ? `Check the credentials, then run \`sysbuild login ${req.registry}\` again` : `Log in with \`sysbuild login ${req.registry}\`, or pass --creds USER:PASSWORD`],
    })
  }
  const code = status === 429 || status >= 500 ? 'SYSBUILD_REGISTRY_UNAVAILABLE' : 'SYSBUILD_REGISTRY_PROTOCOL'
  return new RegistryError(code, `unable to retrieve auth token for ${req.registry}: ${describeDiagnostics(status, diagnostics)}`, status, diagnostics)
}

async function parseTokenAnswer(res: HttpResponse, req: TokenRequest, now: () => number): Promise<BearerToken> {
  const text = await res.text(1 << 20)
  let doc: {token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown; refresh_token?: unknown}
  try {
    doc = JSON.parse(text) as typeof doc
  } catch {
    throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `the token server of ${req.registry} answered something that is not JSON`, res.status)
  }
  const token = typeof doc.access_token === 'string' && doc.access_token ? doc.access_token : typeof doc.token === 'string' ? doc.token : ''
  if (!token) throw new RegistryError('SYSBUILD_REGISTRY_PROTOCOL', `the token server of ${req.registry} answered without a token`, res.status)
  const lifetime = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_LIFETIME_S
  const issued = typeof doc.issued_at === 'string' ? Date.parse(doc.issued_at) : Number.NaN
  // Trust the server's issue time only when it agrees with our clock; otherwise count from now.
  const start = Number.isNaN(issued) || Math.abs(issued - now()) > 5 * 60_000 ? now() : issued
  return {
    token,
    expiresAt: start + lifetime * 1000,
    ...(typeof doc.refresh_token === 'string' && doc.refresh_token ? {refreshToken: doc.refresh_token} : {}),
  }
}

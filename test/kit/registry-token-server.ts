/**
 * A token server for the registry's token auth (distribution's token spec), on 127.0.0.1:
 * - `GET /token?service=…&scope=…` with Basic credentials (or anonymous, pull only when allowed);
 * - OAuth2 `POST /token` (form: grant_type=password | refresh_token);
 * answering RS256 JWTs signed by a fresh self-signed certificate (openssl) that the registry trusts
 * (`rootcertbundle`), with `x5c` in the header and `access` claims granting what was asked.
 * Tokens can be made to expire quickly (`ttlSeconds`) while the server tells the client they live longer
 * (`reportedExpiresIn`), so a client only learns of the expiry from the registry's 401.
 */
import {spawnSync} from 'node:child_process'
import {createPrivateKey, randomBytes, sign, X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** distribution 2.8 accepts tokens up to this long after `exp` (clock skew leeway). */
export const REGISTRY_LEEWAY_S = 60

export interface TokenServerOptions {
  readonly users: Record<string, string>
  readonly service?: string
  readonly issuer?: string
  /** How long tokens are really valid at the registry (default 300 s). */
  readonly ttlSeconds?: number
  /** The `expires_in` told to the client (default: ttlSeconds). */
  readonly reportedExpiresIn?: number
  /** Grant pull to anonymous requests (default false: anonymous gets a token without access). */
  readonly anonymousPull?: boolean
  /** Serve the GET form (default true); false answers 404 like an OAuth2-only server. */
  readonly allowGet?: boolean
  /** Users that get pull access only (a push needs pull,push: the registry then answers insufficient_scope). */
  readonly pullOnly?: readonly string[]
}

export interface TokenRequestRecord {
  readonly method: string
  readonly grant: 'basic' | 'anonymous' | 'password' | 'refresh_token'
  readonly account?: string
  readonly scopes: readonly string[]
  readonly status: number
}

export interface TokenServer {
  readonly realm: string
  readonly service: string
  readonly issuer: string
  readonly certFile: string
  readonly requests: TokenRequestRecord[]
  /** Change behaviour while running. */
  set(opts: Partial<Pick<TokenServerOptions, 'ttlSeconds' | 'reportedExpiresIn'>>): void
  stop(): Promise<void>
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url')

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sysbuild-tok-'))
  const keyFile = join(dir, 'tok.key')
  const certFile = join(dir, 'tok.crt')
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=token-issuer', '-days', '3650', '-keyout', keyFile, '-out', certFile], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`)
  const key = createPrivateKey(readFileSync(keyFile))
  const certDer = new X509Certificate(readFileSync(certFile)).raw
  const service = opts.service ?? 'test-registry'
  const issuer = opts.issuer ?? 'test-issuer'
  let ttl = opts.ttlSeconds ?? 300
  let reported = opts.reportedExpiresIn
  const refreshTokens = new Map<string, string>()
  const requests: TokenRequestRecord[] = []

  const jwt = (account: string, scopes: readonly string[], grantPush: boolean): string => {
    const now = Math.floor(Date.now() / 1000)
    const access = scopes.flatMap((s) => {
      const m = /^(repository(?:\([^)]*\))?):(.+):([a-z*,]+)$/.exec(s)
      if (!m) return []
      const actions = m[3]!.split(',').filter((a) => grantPush || a === 'pull')
      return [{type: m[1]!.replace(/\(.*\)$/, ''), name: m[2]!, actions}]
    })
    const header = {typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')]}
    // The registry adds its leeway to exp: shift exp back by it so the token really dies after ttl seconds.
    const claims = {iss: issuer, sub: account, aud: service, exp: now + ttl - REGISTRY_LEEWAY_S, nbf: now - 5, iat: now, jti: randomBytes(12).toString('hex'), access}
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
    return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`
  }

  const answer = (res: ServerResponse, account: string, scopes: string[], grantPush: boolean, offline: boolean): void => {
    const token = jwt(account, scopes, grantPush)
    const body: Record<string, unknown> = {token, access_token: token, expires_in: reported ?? ttl, issued_at: new Date().toISOString()}
    if (offline && account) {
      const refresh = randomBytes(16).toString('hex')
      refreshTokens.set(refresh, account)
      body.refresh_token = refresh
    }
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify(body))
  }

  const deny = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, {'content-type': 'application/json', ...(status === 401 ? {'www-authenticate': 'Basic realm="token"'} : {})})
    res.end(JSON.stringify({errors: [{code: 'UNAUTHORIZED', message}]}))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/token') return deny(res, 404, 'not found')
    if (req.method === 'GET') {
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean)
      if (opts.allowGet === false) {
        requests.push({method: 'GET', grant: 'anonymous', scopes, status: 404})
        return deny(res, 404, 'use POST')
      }
      const auth = req.headers.authorization
      if (auth?.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8')
        const i = decoded.indexOf(':')
        const user = decoded.slice(0, i)
        const ok = i > 0 && opts.users[user] !== undefined && opts.users[user] === decoded.slice(i + 1)
        requests.push({method: 'GET', grant: 'basic', account: user, scopes, status: ok ? 200 : 401})
        if (!ok) return deny(res, 401, 'invalid username/password')
        return answer(res, user, scopes, !opts.pullOnly?.includes(user), url.searchParams.get('offline_token') === 'true')
      }
      requests.push({method: 'GET', grant: 'anonymous', scopes, status: 200})
      return answer(res, '', opts.anonymousPull ? scopes : [], false, false)
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean)
      const grant = form.get('grant_type')
      if (grant === 'password') {
        const user = form.get('username') ?? ''
        const ok = opts.users[user] !== undefined && opts.users[user] === form.get('password')
        requests.push({method: 'POST', grant: 'password', account: user, scopes, status: ok ? 200 : 401})
        if (!ok) return deny(res, 401, 'invalid username/password')
        return answer(res, user, scopes, true, form.get('access_type') === 'offline')
      }
      if (grant === 'refresh_token') {
        const user = refreshTokens.get(form.get('refresh_token') ?? '')
        requests.push({method: 'POST', grant: 'refresh_token', account: user, scopes, status: user ? 200 : 401})
        if (!user) return deny(res, 401, 'invalid refresh token')
        return answer(res, user, scopes, true, false)
      }
      return deny(res, 400, 'unsupported grant_type')
    }
    return deny(res, 405, 'method not allowed')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.statusCode = 500
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    set(o) {
      if (o.ttlSeconds !== undefined) ttl = o.ttlSeconds
      if ('reportedExpiresIn' in o) reported = o.reportedExpiresIn
    },
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

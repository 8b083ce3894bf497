/**
 * The authorization state of one registry: its challenge (from `GET /v2/` or a 401), the credential, and one
 * bearer token for the union of every scope asked for so far (asking for a new scope widens the token, as a
 * cross-repo mount needs `repository:<from>:pull` besides `repository:<to>:pull,push`). Tokens are renewed
 * shortly before they expire and whenever the registry answers 401.
 */
import type {Credential, CredentialResolver} from '../credentials/types.js'
import type {RetryPolicy} from '../http/retry.js'
import type {Transport} from '../http/transport.js'
import {findChallenge, type Challenge} from './challenge.js'
import {fetchToken, type BearerToken} from './token.js'

export interface AuthSessionOptions {
  readonly registry: string
  readonly transport: Transport
  readonly credentials: CredentialResolver
  readonly retry: RetryPolicy
  readonly now?: () => number
}

/** `repository:<name>:<actions>`. */
export const repositoryScope = (repository: string, actions: readonly string[]): string => `repository:${repository}:${actions.join(',')}`

/** Union of scopes, actions merged per resource, in a stable order. */
export function mergeScopes(...lists: (readonly string[])[]): string[] {
  const byResource = new Map<string, Set<string>>()
  for (const scope of lists.flat()) {
    const i = scope.lastIndexOf(':')
    if (i < 0) continue
    const resource = scope.slice(0, i)
    const set = byResource.get(resource) ?? new Set<string>()
    for (const a of scope.slice(i + 1).split(',')) if (a) set.add(a)
    byResource.set(resource, set)
  }
  return [...byResource.entries()].map(([r, a]) => `${r}:${[...a].sort().join(',')}`)
}

const covers = (have: readonly string[], want: readonly string[]): boolean => mergeScopes(have, want).join(' ') === mergeScopes(have).join(' ')

export class AuthSession {
  private challenges: Challenge[] = []
  private scopes: string[] = []
  private token: BearerToken | undefined
  /** When to renew `token`: 10 % of its lifetime (at most 10 s) before it expires. */
  private renewAt = 0
  private pending: Promise<BearerToken> | undefined
  private readonly creds = new Map<string, Promise<Credential | undefined>>()
  private readonly now: () => number

  constructor(private readonly opts: AuthSessionOptions) {
    this.now = opts.now ?? Date.now
  }

  /** Record the challenges of a `GET /v2/` or a 401 answer. */
  setChallenges(challenges: readonly Challenge[]): void {
    if (challenges.length > 0) this.challenges = [...challenges]
  }

  get scheme(): 'bearer' | 'basic' | 'none' {
    if (findChallenge(this.challenges, 'bearer')) return 'bearer'
    if (findChallenge(this.challenges, 'basic')) return 'basic'
    return 'none'
  }

  credential(repository = ''): Promise<Credential | undefined> {
    let p = this.creds.get(repository)
    if (!p) {
      p = this.opts.credentials(this.opts.registry, repository || undefined)
      this.creds.set(repository, p)
    }
    return p
  }

  /** The Authorization header for a request that needs `scopes` (undefined: send none). */
  async header(scopes: readonly string[], repository?: string): Promise<string | undefined> {
    const scheme = this.scheme
    if (scheme === 'basic') {
      const c = await this.credential(repository)
      return c?.username || c?.password ? `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}` : undefined
    }
    if (scheme !== 'bearer') return undefined
    const token = await this.bearer(scopes, repository)
    return `Bearer ${token.token}`
  }

  /**
   * A request got 401: learn from its challenge (scheme, missing scope) and drop the token.
   * True when another try can succeed (there is a new scheme or a token to fetch), false when it cannot.
   */
  async unauthorized(challenges: readonly Challenge[], scopes: readonly string[]): Promise<boolean> {
    const before = this.scheme
    this.setChallenges(challenges)
    const bearer = findChallenge(challenges, 'bearer')
    if (bearer?.params.scope) this.scopes = mergeScopes(this.scopes, bearer.params.scope.split(' '))
    if (this.scheme === 'bearer') {
      this.scopes = mergeScopes(this.scopes, scopes)
      this.token = undefined
      return true
    }
    return this.scheme !== before
  }

  /** A token for the union of earlier scopes and `scopes`; fetched once for concurrent callers. */
  private async bearer(scopes: readonly string[], repository?: string): Promise<BearerToken> {
    for (;;) {
      const inflight = this.pending
      if (inflight) {
        // share the fetch in flight (and its failure); then check whether it covers what we need
        await inflight
        continue
      }
      if (this.token && this.now() < this.renewAt && covers(this.scopes, scopes)) return this.token
      const wanted = mergeScopes(this.scopes, scopes)
      const p = this.fetch(wanted, repository)
      this.pending = p
      try {
        const token = await p
        const now = this.now()
        this.token = token
        this.renewAt = token.expiresAt - Math.min(10_000, Math.max(0, (token.expiresAt - now) / 10))
        this.scopes = wanted
        return token
      } finally {
        if (this.pending === p) this.pending = undefined
      }
    }
  }

  /** A token for no scope, fetched with the credential and asking for a refresh token (what `docker login` does). */
  loginToken(): Promise<BearerToken> {
    return this.fetch([], undefined, true)
  }

  private async fetch(scopes: readonly string[], repository?: string, offlineToken = false): Promise<BearerToken> {
    const challenge = findChallenge(this.challenges, 'bearer')
    const credential = await this.credential(repository)
    return fetchToken(this.opts.transport, {
      realm: challenge?.params.realm ?? '',
      ...(challenge?.params.service ? {service: challenge.params.service} : {}),
      scopes,
      ...(credential ? {credential} : {}),
      ...(offlineToken ? {offlineToken} : {}),
      registry: this.opts.registry,
    }, this.opts.retry, this.now)
  }
}

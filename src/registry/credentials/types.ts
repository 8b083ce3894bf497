/** Registry credentials as docker, podman and the command line know them. */

export interface Credential {
  readonly username?: string
  readonly password?: string
  /** An OAuth2 refresh token (docker's `identitytoken`): exchanged with `grant_type=refresh_token`. */
  readonly identityToken?: string
  /** A bearer token sent as is (docker's `registrytoken`). */
  readonly registryToken?: string
}

/** Finds the credential for a registry (and repository, for auth files with per-repository entries). */
export type CredentialResolver = (registry: string, repository?: string) => Promise<Credential | undefined>

export const anonymous: CredentialResolver = async () => undefined

/** `user:password` (the password may contain `:`) → a credential; undefined when malformed. */
export function parseUserPassword(text: string): Credential | undefined {
  const line = text.replace(/\r?\n$/, '')
  const i = line.indexOf(':')
  if (i <= 0) return undefined
  return {username: line.slice(0, i), password: line.slice(i + 1)}
}

/** Where the credential came from, for messages (never the secret itself). */
export type CredentialOrigin = 'command line' | 'docker config' | 'credential helper' | 'podman auth file'

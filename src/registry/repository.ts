/** One repository on one registry: the client plus the name and the token scopes its requests need. */
import {repositoryScope} from './auth/session.js'
import type {RegistryClient} from './client.js'

export interface Repository {
  readonly client: RegistryClient
  /** Repository path (`sb/busybox`). */
  readonly name: string
  /** `registry/name`, for messages. */
  readonly display: string
  /** Scopes for reading. */
  readonly pull: readonly string[]
  /** Scopes for writing (pull and push). */
  readonly push: readonly string[]
}

export function repository(client: RegistryClient, name: string): Repository {
  return {
    client,
    name,
    display: `${client.registry}/${name}`,
    pull: [repositoryScope(name, ['pull'])],
    push: [repositoryScope(name, ['pull', 'push'])],
  }
}

/** `/v2/<name>/<rest>` (path components are already URL-safe by the reference grammar). */
export const apiPath = (repo: Repository, rest: string): string => `/v2/${repo.name}/${rest}`

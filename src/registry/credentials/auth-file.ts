/**
 * docker's `config.json` and podman's `auth.json`: where they are, how to read them, and how their `auths`
 * keys map to registries. Both share the `auths` shape:
 * `{"auths": {"<key>": {"auth": base64("user:password"), "identitytoken": "…"}}}`; docker adds `credHelpers`
 * and `credsStore`; podman allows keys with a repository path (`registry/ns/repo`).
 */
import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {parseJsonText} from '../../core/index.js'
import {RegistryError} from '../errors.js'
import {DOCKER_HUB, DOCKER_HUB_API, DOCKER_HUB_CONFIG_KEY} from '../reference.js'
import type {Credential} from './types.js'

export interface AuthEntry {
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
  registrytoken?: string
  email?: string
}

export interface AuthFile {
  auths?: Record<string, AuthEntry>
  credHelpers?: Record<string, string>
  credsStore?: string
  [key: string]: unknown
}

export type Env = Readonly<Record<string, string | undefined>>

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export const dockerConfigPath = (env: Env = process.env): string =>
  join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json')

/** podman's auth files, in its lookup order. */
export function podmanAuthPaths(env: Env = process.env): string[] {
  if (env.REGISTRY_AUTH_FILE) return [env.REGISTRY_AUTH_FILE]
  const out: string[] = []
  if (env.XDG_RUNTIME_DIR) out.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'))
  out.push(join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'containers', 'auth.json'))
  return out
}

/** Read an auth file; a missing file is `undefined`, a broken one SYSBUILD_REGISTRY_CREDENTIAL_STORE. */
export async function readAuthFile(path: string): Promise<AuthFile | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `cannot read ${path}: ${(e as Error).message}`, undefined, [], {file: path}, e)
  }
  if (text.trim() === '') return {}
  const parsed = parseJsonText(text)
  if (!parsed.ok) {
    throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `${path} is not valid JSON: ${parsed.message}`, undefined, [], {
      file: path, line: parsed.line, column: parsed.column, suggestions: [`Fix or remove ${path}`],
    })
  }
  const doc = parsed.value
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `${path} is not a JSON object`, undefined, [], {file: path})
  }
  return doc as AuthFile
}

/** The registry a config key means: scheme and path stripped, Docker Hub aliases folded into `docker.io`. */
export function registryOfKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? ''
  return hubAlias(host)
}

const hubAlias = (host: string): string => (host === 'index.docker.io' || host === DOCKER_HUB_API ? DOCKER_HUB : host)

/** The key to write for a registry (docker's spelling for Docker Hub). */
export const configKeyFor = (registry: string): string => (hubAlias(registry) === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry)

/**
 * The `auths` entry for a registry and repository: the longest matching `registry/ns/repo` key first (podman),
 * then the plain registry key in any of its spellings.
 */
export function findAuthEntry(auths: Record<string, AuthEntry> | undefined, registry: string, repository?: string): {key: string; entry: AuthEntry} | undefined {
  if (!auths) return undefined
  const want = hubAlias(registry)
  if (repository) {
    const parts = repository.split('/')
    for (let n = parts.length; n > 0; n--) {
      const scoped = `${registry}/${parts.slice(0, n).join('/')}`
      const hit = auths[scoped]
      if (hit) return {key: scoped, entry: hit}
    }
  }
  for (const [key, entry] of Object.entries(auths)) {
    const keyPath = key.replace(/^[a-z]+:\/\//i, '')
    // keys with a repository path only match that repository (handled above); docker's /v1/ suffix is no path
    const isScoped = keyPath.includes('/') && !/^[^/]+\/v[12]\/?$/.test(keyPath)
    if (!isScoped && registryOfKey(key) === want) return {key, entry}
  }
  return undefined
}

/** An `auths` entry as a credential; undefined when it holds nothing usable. */
export function credentialOfEntry(entry: AuthEntry, file: string): Credential | undefined {
  let username = entry.username
  let password = entry.password
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const i = decoded.indexOf(':')
    if (i < 0) {
      throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `${file}: an "auth" value does not decode to user:password`, undefined, [], {file})
    }
    username = decoded.slice(0, i)
    password = decoded.slice(i + 1)
  }
  const cred: Credential = {
    ...(username ? {username} : {}),
    ...(password ? {password} : {}),
    ...(entry.identitytoken ? {identityToken: entry.identitytoken} : {}),
    ...(entry.registrytoken ? {registryToken: entry.registrytoken} : {}),
  }
  return Object.keys(cred).length === 0 ? undefined : cred
}

/** The credential helper configured for a registry (`credHelpers` beats `credsStore`). */
export function helperFor(file: AuthFile, registry: string): string | undefined {
  const want = hubAlias(registry)
  for (const [key, helper] of Object.entries(file.credHelpers ?? {})) {
    if (registryOfKey(key) === want && helper) return helper
  }
  return file.credsStore || undefined
}

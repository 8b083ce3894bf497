/**
 * `login`: check a credential against the registry (an authorized `GET /v2/`, via a token when the registry
 * uses token auth) and store it as `docker login` does; `logout`: forget it.
 */
import {SysbuildError} from '../core/index.js'
import {RegistryClient, type ClientOptions} from './client.js'
import type {Env} from './credentials/auth-file.js'
import {removeCredential, saveCredential, type StoredCredential} from './credentials/store.js'
import type {Credential} from './credentials/types.js'
import {DOCKER_HUB, DOCKER_HUB_API} from './reference.js'

export interface LoginOptions extends Omit<ClientOptions, 'credentials'> {
  readonly env?: Env
}

export interface LoginResult extends StoredCredential {
  readonly registry: string
  /** How the registry authenticates: `bearer`, `basic`, or `none`. */
  readonly scheme: string
  /** Whether a refresh token (identity token) was stored instead of the password. */
  readonly identityToken: boolean
}

/** `https://index.docker.io/v1/`, `http://localhost:5000`, `quay.io` → the registry host[:port]. */
export function normalizeRegistry(text: string): string {
  const host = text.trim().replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? ''
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\])(?::\d+)?$/.test(host)) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `invalid registry ${JSON.stringify(text)}: write a host with an optional port, e.g. registry.example.com or localhost:5000`)
  }
  return host === 'index.docker.io' || host === DOCKER_HUB_API ? DOCKER_HUB : host
}

export async function loginRegistry(registryText: string, credential: Credential, opts: LoginOptions = {}): Promise<LoginResult> {
  const registry = normalizeRegistry(registryText)
  if (!credential.username && !credential.identityToken) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', 'a username is required to log in')
  }
  const client = new RegistryClient(registry, {...opts, credentials: async () => credential})
  try {
    const {scheme, refreshToken} = await client.checkLogin()
    // Like docker: when the token server hands out a refresh token, keep that instead of the password.
    const keep: Credential = refreshToken ? {username: credential.username ?? '', identityToken: refreshToken} : credential
    const stored = await saveCredential(registry, keep, opts.env)
    return {registry, scheme, identityToken: refreshToken !== undefined, ...stored}
  } finally {
    await client.close()
  }
}

export async function logoutRegistry(registryText: string, opts: {readonly env?: Env} = {}): Promise<{registry: string; removed: boolean}> {
  const registry = normalizeRegistry(registryText)
  return {registry, removed: await removeCredential(registry, opts.env)}
}

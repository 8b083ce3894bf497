/**
 * Credential lookup, first hit wins: credentials given on the command line; docker's config.json (a
 * credential helper named in `credHelpers`/`credsStore`, then `auths`); podman's auth.json.
 */
import {configKeyFor, credentialOfEntry, dockerConfigPath, findAuthEntry, helperFor, podmanAuthPaths, readAuthFile, type Env} from './auth-file.js'
import {helperGet} from './helper.js'
import type {Credential, CredentialResolver} from './types.js'

export interface KeychainOptions {
  /** Credentials from --creds / --creds-stdin: used for every registry of this invocation. */
  readonly explicit?: Credential
  readonly env?: Env
}

export function keychain(opts: KeychainOptions = {}): CredentialResolver {
  const env = opts.env ?? process.env
  return async (registry, repository) => {
    if (opts.explicit) return opts.explicit
    const dockerPath = dockerConfigPath(env)
    const docker = await readAuthFile(dockerPath)
    if (docker) {
      const helper = helperFor(docker, registry)
      if (helper) {
        const fromHelper = await helperGet(helper, configKeyFor(registry), env)
        if (fromHelper) return fromHelper
      }
      const hit = findAuthEntry(docker.auths, registry, repository)
      const cred = hit && credentialOfEntry(hit.entry, dockerPath)
      if (cred) return cred
    }
    for (const path of podmanAuthPaths(env)) {
      const podman = await readAuthFile(path)
      const hit = podman && findAuthEntry(podman.auths, registry, repository)
      const cred = hit && credentialOfEntry(hit.entry, path)
      if (cred) return cred
    }
    return undefined
  }
}

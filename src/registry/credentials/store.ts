/**
 * Writing credentials the way `docker login` does: into the configured credential helper, or into
 * `auths` of docker's config.json (atomic replacement, mode 0600, directory 0700). Every other key of the
 * file is kept as it was.
 */
import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'
import {writeFileAtomic} from '../../core/index.js'
import {RegistryError} from '../errors.js'
import {configKeyFor, dockerConfigPath, findAuthEntry, helperFor, readAuthFile, type AuthEntry, type AuthFile, type Env} from './auth-file.js'
import {helperErase, helperStore} from './helper.js'
import type {Credential} from './types.js'

export interface StoredCredential {
  /** The config file that was written. */
  readonly file: string
  /** The credential helper that holds the secret, when one is configured. */
  readonly helper?: string
}

async function writeConfig(path: string, doc: AuthFile): Promise<void> {
  try {
    await mkdir(dirname(path), {recursive: true, mode: 0o700})
  } catch (e) {
    throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `cannot create ${dirname(path)}: ${(e as Error).message}`, undefined, [], {}, e)
  }
  await writeFileAtomic(path, `${JSON.stringify(doc, null, '\t')}\n`, {mode: 0o600})
}

const entryFor = (cred: Credential): AuthEntry => ({
  auth: Buffer.from(`${cred.username ?? ''}:${cred.identityToken ? '' : (cred.password ?? '')}`).toString('base64'),
  ...(cred.identityToken ? {identitytoken: cred.identityToken} : {}),
})

/** Remember a credential for `registry`. */
export async function saveCredential(registry: string, cred: Credential, env: Env = process.env): Promise<StoredCredential> {
  const path = dockerConfigPath(env)
  const doc: AuthFile = {...((await readAuthFile(path)) ?? {})}
  const key = configKeyFor(registry)
  const auths = {...(doc.auths ?? {})}
  const old = findAuthEntry(auths, registry)
  if (old) delete auths[old.key]
  const helper = helperFor(doc, registry)
  if (helper) {
    await helperStore(helper, key, cred, env)
    auths[key] = {}
  } else {
    auths[key] = entryFor(cred)
  }
  await writeConfig(path, {...doc, auths})
  return {file: path, ...(helper ? {helper} : {})}
}

/** Forget the credential for `registry`; false when there was none. */
export async function removeCredential(registry: string, env: Env = process.env): Promise<boolean> {
  const path = dockerConfigPath(env)
  const doc = await readAuthFile(path)
  if (!doc) return false
  let removed = false
  const helper = helperFor(doc, registry)
  if (helper) removed = await helperErase(helper, configKeyFor(registry), env)
  const auths = {...(doc.auths ?? {})}
  for (;;) {
    const hit = findAuthEntry(auths, registry)
    if (!hit) break
    delete auths[hit.key]
    removed = true
  }
  if (removed) await writeConfig(path, {...doc, auths})
  return removed
}

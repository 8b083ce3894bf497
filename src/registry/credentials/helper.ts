/**
 * docker credential helpers (`docker-credential-<name> get|store|erase`): the server URL or a JSON document on
 * stdin, JSON on stdout. The helper's stdout may hold a secret, so it never goes into a message.
 */
import {execCapture, SysbuildError} from '../../core/index.js'
import {RegistryError} from '../errors.js'
import type {Env} from './auth-file.js'
import type {Credential} from './types.js'

const TOKEN_USER = '<token>'
const NOT_FOUND = /credentials not found/i

const program = (helper: string): string => `docker-credential-${helper}`

async function run(helper: string, verb: 'get' | 'store' | 'erase', input: string, env: Env) {
  try {
    return await execCapture(program(helper), [verb], {input, env: {...env} as NodeJS.ProcessEnv, timeoutMs: 60_000})
  } catch (e) {
    if (e instanceof SysbuildError && e.code === 'SYSBUILD_CORE_EXTERNAL_MISSING') {
      throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `credential helper ${program(helper)} is not installed (configured in docker's config.json)`, undefined, [], {
        suggestions: [`Install ${program(helper)}, or remove it from credHelpers/credsStore in config.json`],
      }, e)
    }
    throw e
  }
}

/** What a helper's failure says: its stderr, or its stdout when that is a known message, never a secret. */
const failure = (helper: string, verb: string, status: number | null, stdout: string, stderr: string): RegistryError => {
  const said = stderr.trim() || (stdout.trim().length < 200 && !stdout.includes('Secret') ? stdout.trim() : '')
  return new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `${program(helper)} ${verb} failed (exit ${status ?? 'signal'})${said ? `: ${said}` : ''}`, undefined)
}

export async function helperGet(helper: string, serverUrl: string, env: Env = process.env): Promise<Credential | undefined> {
  const r = await run(helper, 'get', serverUrl, env)
  if (r.status !== 0) {
    if (NOT_FOUND.test(r.stdout) || NOT_FOUND.test(r.stderr)) return undefined
    throw failure(helper, 'get', r.status, r.stdout, r.stderr)
  }
  let doc: {Username?: unknown; Secret?: unknown}
  try {
    doc = JSON.parse(r.stdout) as typeof doc
  } catch {
    throw new RegistryError('SYSBUILD_REGISTRY_CREDENTIAL_STORE', `${program(helper)} get printed something that is not JSON`, undefined)
  }
  const username = typeof doc.Username === 'string' ? doc.Username : ''
  const secret = typeof doc.Secret === 'string' ? doc.Secret : ''
  if (!secret) return undefined
  return username === TOKEN_USER ? {identityToken: secret} : {username, password: secret}
}

export async function helperStore(helper: string, serverUrl: string, cred: Credential, env: Env = process.env): Promise<void> {
  const doc = cred.identityToken
    ? {ServerURL: serverUrl, Username: TOKEN_USER, Secret: cred.identityToken}
    : {ServerURL: serverUrl, Username: cred.username ?? '', Secret: cred.password ?? ''}
  const r = await run(helper, 'store', JSON.stringify(doc), env)
  if (r.status !== 0) throw failure(helper, 'store', r.status, r.stdout, r.stderr)
}

/** Erase; true when something was erased, false when the helper had nothing. */
export async function helperErase(helper: string, serverUrl: string, env: Env = process.env): Promise<boolean> {
  const r = await run(helper, 'erase', serverUrl, env)
  if (r.status === 0) return true
  if (NOT_FOUND.test(r.stdout) || NOT_FOUND.test(r.stderr)) return false
  throw failure(helper, 'erase', r.status, r.stdout, r.stderr)
}

/**
 * Flags shared by push, pull, login and build, and turning them into registry client options. The registry
 * domain is imported only when it is needed (build takes these flags but rarely talks to a registry).
 */
import {Flags} from '@oclif/core'
import {SysbuildError} from '../../src/core/index.js'
import type {ClientOptions, Credential} from '../../src/registry/index.js'

export const connectionFlags = {
  'plain-http': Flags.boolean({allowNo: true, description: 'Talk plain HTTP to the registry (default: only to loopback registries such as localhost:5000).'}),
  'tls-verify': Flags.string({options: ['true', 'false'], default: 'true', description: 'Verify the registry\'s TLS certificate (--tls-verify=false for self-signed ones).'}),
}

export const credentialFlags = {
  creds: Flags.string({description: 'USER:PASSWORD for the registry (else config.json, credential helpers, podman auth.json).', exclusive: ['creds-stdin']}),
  'creds-stdin': Flags.boolean({description: 'Read USER:PASSWORD from standard input.'}),
}

export const transferFlags = {
  jobs: Flags.integer({min: 1, max: 32, default: 4, description: 'Blobs transferred at once.'}),
}

/** All of standard input as text (for --creds-stdin and --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** The credential named by --creds / --creds-stdin, if any. */
export async function explicitCredential(flags: {creds?: string; 'creds-stdin'?: boolean}): Promise<Credential | undefined> {
  const text = flags['creds-stdin'] ? await readStdin() : flags.creds
  if (text === undefined) return undefined
  const {parseUserPassword} = await import('../../src/registry/index.js')
  const cred = parseUserPassword(text.trim())
  if (!cred) throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `credentials must be USER:PASSWORD (${flags['creds-stdin'] ? 'on standard input' : '--creds'})`)
  return cred
}

export async function clientOptions(flags: {creds?: string; 'creds-stdin'?: boolean; 'plain-http'?: boolean; 'tls-verify'?: string}, onWarning: (text: string) => void): Promise<ClientOptions> {
  const explicit = await explicitCredential(flags)
  const {keychain} = await import('../../src/registry/index.js')
  return {
    ...(flags['plain-http'] !== undefined ? {plainHttp: flags['plain-http']} : {}),
    tlsVerify: flags['tls-verify'] !== 'false',
    credentials: keychain(explicit ? {explicit} : {}),
    onWarning,
  }
}

/** The same flags as data, for a command whose registry client is made later (build: only for a registry base). */
export async function registryAccess(flags: {creds?: string; 'creds-stdin'?: boolean; 'plain-http'?: boolean; 'tls-verify'?: string}): Promise<{credential?: Credential; plainHttp?: boolean; tlsVerify: boolean}> {
  const credential = await explicitCredential(flags)
  return {
    ...(credential ? {credential} : {}),
    ...(flags['plain-http'] !== undefined ? {plainHttp: flags['plain-http']} : {}),
    tlsVerify: flags['tls-verify'] !== 'false',
  }
}

/** `4MiB`, `512KiB`, `4M`, `1048576` → bytes. */
export function parseByteSize(text: string): number {
  const m = /^(\d+)\s*([KMG]i?B?|B)?$/i.exec(text.trim())
  if (!m) throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `invalid size ${JSON.stringify(text)}: write bytes or a number with KiB, MiB or GiB`)
  const unit = (m[2] ?? 'B').toUpperCase()[0]
  const n = Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1)
  if (n < 1024) throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `chunk size ${text} is too small (at least 1KiB)`)
  return n
}

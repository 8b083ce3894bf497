/**
 * Registry errors: the HTTP status and the registry's own `{"errors":[{code, message, detail}]}` mapped to one
 * typed error with a stable sysbuild code. Messages never carry credentials or tokens.
 */
import {SysbuildError, type ErrorCode, type ErrorHint} from '../core/index.js'

/** One entry of a registry error body. */
export interface RegistryDiagnostic {
  readonly code: string
  readonly message: string
}

export class RegistryError extends SysbuildError {
  override readonly name = 'RegistryError'
  constructor(
    code: ErrorCode,
    message: string,
    /** HTTP status, when the registry answered. */
    readonly status: number | undefined,
    readonly diagnostics: readonly RegistryDiagnostic[] = [],
    hint: ErrorHint = {},
    cause?: unknown,
    /** The answer's Retry-After header (429/503), for callers that retry themselves. */
    readonly retryAfter?: string,
  ) {
    super(code, message, hint, cause)
  }
}

/** Parse a registry error body; anything that is not the spec's shape yields no diagnostics. */
export function parseErrorBody(text: string): RegistryDiagnostic[] {
  try {
    const doc = JSON.parse(text) as {errors?: unknown}
    if (!Array.isArray(doc.errors)) return []
    return doc.errors
      .filter((e): e is {code?: unknown; message?: unknown} => typeof e === 'object' && e !== null)
      .map((e) => ({code: typeof e.code === 'string' ? e.code : 'UNKNOWN', message: typeof e.message === 'string' ? e.message : ''}))
  } catch {
    return []
  }
}

const REJECTED = new Set(['BLOB_UPLOAD_INVALID', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'MANIFEST_INVALID', 'NAME_INVALID', 'SIZE_INVALID', 'TAG_INVALID', 'UNSUPPORTED', 'MANIFEST_UNVERIFIED', 'PAGINATION_NUMBER_INVALID', 'RANGE_INVALID'])
const NOT_FOUND = new Set(['BLOB_UNKNOWN', 'BLOB_UPLOAD_UNKNOWN', 'MANIFEST_UNKNOWN', 'NAME_UNKNOWN'])

/** The sysbuild code for a registry answer. */
export function codeForStatus(status: number, diagnostics: readonly RegistryDiagnostic[]): ErrorCode {
  const codes = new Set(diagnostics.map((d) => d.code))
  if (status === 401 || codes.has('UNAUTHORIZED')) return 'SYSBUILD_REGISTRY_UNAUTHORIZED'
  if (status === 403 || codes.has('DENIED')) return 'SYSBUILD_REGISTRY_DENIED'
  if (status === 429 || codes.has('TOOMANYREQUESTS') || status >= 500) return 'SYSBUILD_REGISTRY_UNAVAILABLE'
  if ([...codes].some((c) => NOT_FOUND.has(c)) || status === 404) return 'SYSBUILD_REGISTRY_NOT_FOUND'
  if ([...codes].some((c) => REJECTED.has(c)) || status === 400 || status === 413 || status === 416) return 'SYSBUILD_REGISTRY_REJECTED'
  return 'SYSBUILD_REGISTRY_PROTOCOL'
}

/** `NAME_UNKNOWN: repository name not known to registry; …`, or the bare HTTP status when the body said nothing. */
export function describeDiagnostics(status: number, diagnostics: readonly RegistryDiagnostic[]): string {
  if (diagnostics.length === 0) return `HTTP ${status}`
  return diagnostics.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join('; ')
}

/** The error for an unexpected registry answer to `what` (e.g. "push sha256:… to 127.0.0.1:5000/sb/app"). */
export function registryErrorFor(what: string, status: number, bodyText: string, suggestions: readonly string[] = [], retryAfter?: string): RegistryError {
  const diagnostics = parseErrorBody(bodyText)
  const code = codeForStatus(status, diagnostics)
  return new RegistryError(code, `${what}: ${describeDiagnostics(status, diagnostics)}`, status, diagnostics, {
    suggestions: [...suggestions, ...defaultSuggestions(code)],
  }, undefined, retryAfter)
}

export function defaultSuggestions(code: ErrorCode): string[] {
  switch (code) {
    case 'SYSBUILD_REGISTRY_UNAUTHORIZED':
      return ['Log in with `sysbuild login REGISTRY`, or pass --creds USER:PASSWORD / --creds-stdin']
    case 'SYSBUILD_REGISTRY_DENIED':
      return ['Check that the account may access this repository']
    case 'SYSBUILD_REGISTRY_NOT_FOUND':
      return ['Check the repository name and tag (`skopeo list-tags docker://REGISTRY/REPO` lists tags)']
    case 'SYSBUILD_REGISTRY_UNAVAILABLE':
      return ['The registry is overloaded or failing; try again later']
    default:
      return []
  }
}

/** Network error codes that mean "try again" (the connection broke, or never came up). */
const TRANSIENT_NET = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])
const TLS = /CERT|SSL|TLS|EPROTO|ERR_SSL|SELF_SIGNED|UNABLE_TO_VERIFY/

/** The error code of a network failure, looking through `cause` chains. */
export function networkCode(e: unknown): string | undefined {
  let cur: unknown = e
  for (let i = 0; i < 5 && cur; i++) {
    const c = (cur as {code?: unknown}).code
    if (typeof c === 'string' && !c.startsWith('SYSBUILD_')) return c
    cur = (cur as {cause?: unknown}).cause
  }
  return undefined
}

export const isTransientNetworkError = (e: unknown): boolean => {
  const c = networkCode(e)
  return c !== undefined && TRANSIENT_NET.has(c)
}

/** A network failure (connection refused, reset, TLS, DNS) as a typed error naming the registry. */
export function networkError(registry: string, what: string, e: unknown): RegistryError {
  const c = networkCode(e) ?? 'unknown'
  const detail = (e as Error)?.message ?? String(e)
  const prefix = what ? `${what}: ` : ''
  if (TLS.test(c) || /certificate|ssl|tls|wrong version number/i.test(detail)) {
    return new RegistryError('SYSBUILD_REGISTRY_UNREACHABLE', `${prefix}TLS handshake with ${registry} failed (${c}: ${detail})`, undefined, [], {
      suggestions: ['For a registry without TLS use --plain-http; for a self-signed certificate use --tls-verify=false'],
    }, e)
  }
  const why = c === 'ECONNREFUSED' ? 'connection refused' : c === 'ENOTFOUND' ? 'host not found' : `${c}: ${detail}`
  return new RegistryError('SYSBUILD_REGISTRY_UNREACHABLE', `${prefix}cannot reach registry ${registry} (${why})`, undefined, [], {
    suggestions: [`Check that the registry ${registry} is running and reachable`],
  }, e)
}

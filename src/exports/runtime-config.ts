/**
 * The OCI runtime config (config.json) as sysbuild accepts it: validation against
 * schema/runtime-config.schema.json with problems keyed by JSON pointer, plus the
 * pre-1.0 shapes of old system-container templates (runtime-config-legacy.ts).
 */
import type {ErrorObject} from 'ajv'
import {pointerTokens, schemaValidator} from '../core/index.js'
import {findLegacyShapes} from './runtime-config-legacy.js'

export type {RuntimeConfig} from './generated/runtime-config.js'
export {findLegacyShapes, normaliseLegacyConfig, type LegacyShape, type LegacyShapeKind, type NormalisedConfig} from './runtime-config-legacy.js'

export interface ConfigProblem {
  /** JSON pointer of the offending value ('' for the document). */
  readonly pointer: string
  /** The pointer the problem is about: for a missing key, where that key would be. */
  readonly target: string
  /** The schema keyword that failed (`type`, `required`, `enum`, ...), or `legacy`. */
  readonly keyword: string
  readonly message: string
}

export interface ValidateConfigOptions {
  /**
   * `allow` (default): the pre-1.0 shapes of old templates pass; lint reports them as warnings.
   * `refuse`: the shapes normaliseLegacyConfig rewrites (capability lists, linux.capabilities,
   * platform, linux.selinuxProcessLabel) are problems too, for configs that must already be normalised.
   */
  readonly legacy?: 'allow' | 'refuse'
}

/** Validate a parsed config.json. An empty list means valid. Never throws for content. */
export function validateRuntimeConfig(config: unknown, opts: ValidateConfigOptions = {}): ConfigProblem[] {
  const validate = schemaValidator('exports', 'runtime-config')
  const problems = validate(config) ? [] : simplify(validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, config))
  if (opts.legacy === 'refuse') {
    for (const s of findLegacyShapes(config).filter((x) => x.normalised)) problems.push({pointer: s.pointer, target: s.pointer, keyword: 'legacy', message: `${s.pointer} ${s.message}`})
  }
  const seen = new Set<string>()
  return problems.filter((p) => {
    const k = `${p.pointer}\u0000${p.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let v: unknown = doc
  for (const t of pointerTokens(pointer)) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, t)) return undefined
    v = (v as Record<string, unknown>)[t]
  }
  return v
}

/**
 * Ajv reports every branch of an `anyOf`. Keep what the user needs: when some branch
 * matched the value's type, only that branch's deeper errors; when none did, one
 * "must be one of these types" error.
 */
function simplify(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = [...errors]
  for (const any of errors.filter((e) => e.keyword === 'anyOf')) {
    const at = any.instancePath
    const below = (e: ErrorObject): boolean => e.instancePath.startsWith(at + '/')
    const deeper = out.filter(below)
    const typeAtNode = out.filter((e) => e.instancePath === at && e.keyword === 'type')
    out = out.filter((e) => e !== any && !(e.instancePath === at && e.keyword === 'type'))
    if (deeper.length === 0) {
      const types = [...new Set(typeAtNode.map((e) => (e.params as {type: string | string[]}).type).flat())]
      out.push({...any, keyword: 'type', params: {type: types}})
    }
  }
  return out
}

const article = (t: string): string => (t === 'array' || t === 'object' || t === 'integer' ? `an ${t}` : t === 'null' ? 'null' : `a ${t}`)

const shown = (v: unknown): string => {
  if (v === undefined) return 'nothing'
  const j = JSON.stringify(v)
  const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
  const text = j.length > 40 ? `${j.slice(0, 37)}...` : j
  return kind === 'object' || kind === 'array' ? `an ${kind}` : kind === 'null' ? 'null' : `${kind} ${text}`
}

function describe(e: ErrorObject, config: unknown): ConfigProblem {
  const pointer = e.instancePath
  const where = pointer || '(document)'
  const value = valueAt(config, pointer)
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as {missingProperty: string}).missingProperty
      return {pointer, target: `${pointer}/${missing}`, keyword: e.keyword, message: `${where} must have the key "${missing}"`}
    }
    case 'type': {
      const t = (e.params as {type: string | string[]}).type
      const types = Array.isArray(t) ? t : [t]
      return {pointer, target: pointer, keyword: e.keyword, message: `${where} must be ${types.map(article).join(' or ')} (found ${shown(value)})`}
    }
    case 'enum': {
      const allowed = (e.params as {allowedValues: unknown[]}).allowedValues.map((x) => JSON.stringify(x)).join(', ')
      return {pointer, target: pointer, keyword: e.keyword, message: `${where} must be one of ${allowed} (found ${shown(value)})`}
    }
    case 'pattern':
      return {pointer, target: pointer, keyword: e.keyword, message: `${where} must match ${(e.params as {pattern: string}).pattern} (found ${shown(value)})`}
    case 'minLength':
      return {pointer, target: pointer, keyword: e.keyword, message: `${where} must not be empty${pointer.endsWith('/defaultAction') ? ' when syscalls are listed' : ''}`}
    case 'minimum':
    case 'maximum':
      return {pointer, target: pointer, keyword: e.keyword, message: `${where} ${e.message ?? 'is out of range'} (found ${shown(value)})`}
    default:
      return {pointer, target: pointer, keyword: e.keyword, message: `${where} ${e.message ?? 'is not valid'}`}
  }
}

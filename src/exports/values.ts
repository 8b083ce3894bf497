/**
 * Value resolution (atomic-semantics.md §2) and Python `%s` formatting of values (§3.4).
 */
import {SysbuildError} from '../core/errors.js'
import {FORCED_VARIABLES, HOST_VARIABLES, isForcedVariable, UUID_VARIABLE} from './variables.js'

export type ValueSource = 'set' | 'host' | 'default' | 'uuid' | 'forced'

export interface ResolveInput {
  /** `--set` values, in command-line order. */
  readonly set?: Readonly<Record<string, string>>
  /** Host values (any subset of the host variables); only used where still missing. */
  readonly host?: Readonly<Record<string, string>>
  /** manifest.json defaultValues, already formatted as text. */
  readonly defaults?: Readonly<Record<string, string>>
  /** Values that win over everything (the forced variables). */
  readonly forced?: Readonly<Record<string, string>>
  /** Called when UUID is still missing after the defaults. */
  readonly uuid?: () => string
}

export interface ResolvedValues {
  readonly values: Record<string, string>
  readonly sources: Record<string, ValueSource>
  readonly warnings: string[]
}

/** Apply the precedence: --set, host values, manifest defaults, UUID, then forced values overwrite. */
export function resolveValues(input: ResolveInput): ResolvedValues {
  const values: Record<string, string> = {}
  const sources: Record<string, ValueSource> = {}
  const warnings: string[] = []
  const put = (k: string, v: string, s: ValueSource): void => {
    values[k] = v
    sources[k] = s
  }
  for (const [k, v] of Object.entries(input.set ?? {})) {
    if (isForcedVariable(k)) warnings.push(`${k} is set by sysbuild and cannot be changed with --set`)
    put(k, v, 'set')
  }
  for (const {name} of HOST_VARIABLES) {
    const v = input.host?.[name]
    if (v !== undefined && !(name in values)) put(name, v, 'host')
  }
  for (const [k, v] of Object.entries(input.defaults ?? {})) if (!(k in values)) put(k, v, 'default')
  if (!(UUID_VARIABLE.name in values)) {
    const v = input.host?.[UUID_VARIABLE.name] ?? input.uuid?.()
    if (v !== undefined) put(UUID_VARIABLE.name, v, input.host?.[UUID_VARIABLE.name] === undefined ? 'uuid' : 'host')
  }
  for (const {name} of FORCED_VARIABLES) {
    const v = input.forced?.[name]
    if (v !== undefined) put(name, v, 'forced')
  }
  return {values, sources, warnings}
}

/** Parse `NAME=VALUE` items, split at the first `=` (atomic's rule). */
export function parseSetValues(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of items) {
    const eq = item.indexOf('=')
    if (eq <= 0) {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_SET', `Invalid value '${item}'.  Expected form NAME=VALUE`, {
        suggestions: ['--set NAME=VALUE'],
      })
    }
    out[item.slice(0, eq)] = item.slice(eq + 1)
  }
  return out
}

export type FormattedValue = {readonly ok: true; readonly text: string; readonly pythonic: boolean} | {readonly ok: false; readonly reason: string}

/**
 * Format a JSON value as Python's `%s` would: strings verbatim, integers in decimal,
 * booleans `True`/`False` and null `None` (flagged `pythonic`, lint warns). Floats,
 * arrays and objects cannot be reproduced reliably and are refused.
 */
export function formatValue(v: unknown): FormattedValue {
  if (typeof v === 'string') return {ok: true, text: v, pythonic: false}
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return {ok: true, text: String(v), pythonic: false}
    return {ok: false, reason: 'a number that is not an integer'}
  }
  if (typeof v === 'boolean') return {ok: true, text: v ? 'True' : 'False', pythonic: true}
  if (v === null) return {ok: true, text: 'None', pythonic: true}
  return {ok: false, reason: Array.isArray(v) ? 'an array' : 'an object'}
}

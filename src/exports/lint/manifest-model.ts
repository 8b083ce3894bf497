/** The manifest as lint sees it: parsed tolerantly, with value positions and defaults formatted as text. */
import {nearestLocation, parseJsonWithPositions, type JsonPositionsParse} from '../../core/index.js'
import {manifestDefaultValues, type DefaultValueEntry} from '../manifest.js'
import type {LintContext} from './context.js'
import type {RuleFinding, Severity} from './types.js'

export interface ManifestModel {
  readonly present: boolean
  /** The parse result: the value and the location of every value, or where the JSON is broken. */
  readonly parse?: JsonPositionsParse
  /** The parsed object when it is a JSON object. */
  readonly data?: Record<string, unknown>
  /** Every defaultValues entry, classified (see manifestDefaultValues). */
  readonly entries: readonly DefaultValueEntry[]
  /** defaultValues formatted as Python %s would; entries that cannot be formatted are left out. */
  readonly defaults: Record<string, string>
}

export function manifestModel(ctx: LintContext): ManifestModel {
  return ctx.memo('manifest:model', () => {
    const f = ctx.file('manifest.json')
    if (!f) return {present: false, entries: [], defaults: {}}
    const parse = parseJsonWithPositions(f.text)
    const data = parse.ok && parse.value !== null && typeof parse.value === 'object' && !Array.isArray(parse.value) ? (parse.value as Record<string, unknown>) : undefined
    const entries = parse.ok && data ? manifestDefaultValues(data, f.text, parse.locations) : []
    const defaults: Record<string, string> = {}
    for (const e of entries) if (e.text !== undefined) defaults[e.name] = e.text
    return {present: true, parse, data, entries, defaults}
  })
}

/**
 * A finding about a value of manifest.json, placed at the line of `pointer` (its key for
 * object members), or of its nearest ancestor when it does not exist.
 */
export function manifestFinding(ctx: LintContext, pointer: string, message: string, extra: {hint?: string; severity?: Severity; at?: 'key' | 'value'} = {}): RuleFinding {
  const file = ctx.file('manifest.json')?.shown ?? ctx.shownPath('manifest.json')
  const parse = manifestModel(ctx).parse
  const found = parse?.ok ? nearestLocation(parse.locations, pointer)?.location : undefined
  const pos = found && (extra.at === 'value' ? found.value : (found.key ?? found.value))
  return {
    file,
    ...(pos ? {line: pos.line, column: pos.column} : {}),
    message,
    ...(extra.hint === undefined ? {} : {hint: extra.hint}),
    ...(extra.severity === undefined ? {} : {severity: extra.severity}),
  }
}

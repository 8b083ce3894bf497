/** The manifest as lint sees it: parsed tolerantly, with defaults formatted as text. */
import {parseJsonText, type JsonParse} from '../../core/index.js'
import {formatValue} from '../values.js'
import type {LintContext} from './context.js'

export interface ManifestModel {
  readonly present: boolean
  readonly parse?: JsonParse
  /** The parsed object when it is a JSON object. */
  readonly data?: Record<string, unknown>
  /** defaultValues formatted as Python %s would; entries that cannot be formatted are left out. */
  readonly defaults: Record<string, string>
}

export function manifestModel(ctx: LintContext): ManifestModel {
  return ctx.memo('manifest:model', () => {
    const f = ctx.file('manifest.json')
    if (!f) return {present: false, defaults: {}}
    const parse = parseJsonText(f.text)
    const data = parse.ok && parse.value !== null && typeof parse.value === 'object' && !Array.isArray(parse.value) ? (parse.value as Record<string, unknown>) : undefined
    const defaults: Record<string, string> = {}
    const dv = data?.defaultValues
    if (dv && typeof dv === 'object' && !Array.isArray(dv)) {
      for (const [k, v] of Object.entries(dv as Record<string, unknown>)) {
        const fv = formatValue(v)
        if (fv.ok) defaults[k] = fv.text
      }
    }
    return {present: true, parse, data, defaults}
  })
}

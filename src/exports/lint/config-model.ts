/**
 * The runtime config as lint sees it: the file install would use (config.json copied
 * verbatim, else config.json.template rendered with the sample values), parsed with the
 * position of every value, and a map from rendered offsets back to template lines so
 * that every finding names a line of the file the author edits.
 *
 * Fragment variables (atomic-semantics.md §3.5): a variable whose default is "" placed
 * right after the last element of an array, like `$ADDTL_MOUNTS`, is also rendered with a
 * sample one-mount fragment; both renders must parse.
 */
import {nearestLocation, parseJsonWithPositions, type JsonPositionsParse} from '../../core/index.js'
import type {SourceFile} from '../project.js'
import {findLegacyShapes, type LegacyShapeKind} from '../runtime-config-legacy.js'
import {scanTemplate, type TemplateValues} from '../template.js'
import type {LintContext} from './context.js'
import type {RuleFinding, Severity} from './types.js'

export const SAMPLE_MOUNT_FRAGMENT = ', {"type":"bind","source":"/x","destination":"/x","options":["bind"]}'

export interface TemplatePosition {
  readonly line: number
  readonly column: number
  /** Set when the rendered offset lies inside a substituted value: the variable's name. */
  readonly variable?: string
}

export interface RenderedConfig {
  readonly text: string
  readonly parse: JsonPositionsParse
  /** Where a rendered offset comes from in the source file. */
  templatePosition(offset: number): TemplatePosition
  /** Whether rendered text [start, end) was copied from the file with no substituted value inside. */
  isLiteral(start: number, end: number): boolean
}

export interface FragmentRender {
  readonly name: string
  /** Position of the variable's first fragment-style use in the template. */
  readonly line: number
  readonly column: number
  readonly rendered: RenderedConfig
}

export interface ConfigModel {
  /** The file install uses: config.json when present, else config.json.template. */
  readonly file?: SourceFile
  readonly templated: boolean
  /** Undefined when the template does not render (the template rules say why). */
  readonly rendered?: RenderedConfig
  /** The parsed config when it is a JSON object. */
  readonly config?: Record<string, unknown>
  readonly fragments: readonly FragmentRender[]
}

interface Segment {
  /** Start in the rendered text. */
  readonly out: number
  /** Start in the template. */
  readonly src: number
  readonly length: number
  /** Substituted value of this variable (every output offset maps to the placeholder). */
  readonly variable?: string
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  return starts
}

/** Last index i with key(i) <= x (0 when none). */
function floorIndex(n: number, key: (i: number) => number, x: number): number {
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (key(mid) <= x) lo = mid
    else hi = mid - 1
  }
  return lo
}

function renderedConfig(source: string, output: string, segments: readonly Segment[]): RenderedConfig {
  const starts = lineStarts(source)
  const at = (srcOffset: number): {line: number; column: number} => {
    const i = floorIndex(starts.length, (k) => starts[k]!, srcOffset)
    return {line: i + 1, column: srcOffset - starts[i]! + 1}
  }
  const segmentAt = (offset: number): Segment | undefined =>
    segments.length ? segments[floorIndex(segments.length, (k) => segments[k]!.out, offset)] : undefined
  return {
    text: output,
    parse: parseJsonWithPositions(output),
    templatePosition(offset) {
      const s = segmentAt(offset)
      if (!s) return at(Math.min(offset, source.length))
      if (s.variable !== undefined) return {...at(s.src), variable: s.variable}
      return at(Math.min(s.src + (offset - s.out), source.length))
    },
    isLiteral(start, end) {
      return !segments.some((s) => s.variable !== undefined && s.out < end && s.out + s.length > start)
    },
  }
}

/** Render a template keeping the origin of every output offset; undefined when it does not render. */
export function renderConfigTemplate(text: string, values: TemplateValues): RenderedConfig | undefined {
  const out: string[] = []
  const segments: Segment[] = []
  let length = 0
  const push = (s: string, src: number, variable?: string): void => {
    segments.push(variable === undefined ? {out: length, src, length: s.length} : {out: length, src, length: s.length, variable})
    out.push(s)
    length += s.length
  }
  for (const t of scanTemplate(text)) {
    if (t.kind === 'invalid') return undefined
    if (t.kind === 'text') push(t.text, t.offset)
    else if (t.kind === 'escape') push('$', t.offset)
    else {
      const v = Object.prototype.hasOwnProperty.call(values, t.name) ? values[t.name] : undefined
      if (v === undefined) return undefined
      push(v, t.offset, t.name)
    }
  }
  return renderedConfig(text, out.join(''), segments)
}

/** A plain (not templated) file: every offset maps to itself. */
const plainConfig = (text: string): RenderedConfig => renderedConfig(text, text, [{out: 0, src: 0, length: text.length}])

/** Uses of variables whose default is "" that end an array (the `$ADDTL_MOUNTS` pattern). */
function fragmentUses(ctx: LintContext, text: string): {name: string; line: number; column: number}[] {
  const {values, sources} = ctx.values
  const seen = new Set<string>()
  const uses: {name: string; line: number; column: number}[] = []
  for (const t of scanTemplate(text)) {
    if (t.kind !== 'variable' || seen.has(t.name) || values[t.name] !== '' || sources[t.name] !== 'default') continue
    // The pattern is `last-element $VAR ]`; `[ $VAR ]` is caught too, because a fragment starting with ',' breaks it.
    if (text.slice(t.offset + t.raw.length).trimStart()[0] === ']') {
      seen.add(t.name)
      uses.push({name: t.name, line: t.line, column: t.column})
    }
  }
  return uses
}

export function configModel(ctx: LintContext): ConfigModel {
  return ctx.memo('config:model', () => {
    const plain = ctx.file('config.json')
    const template = ctx.file('config.json.template')
    const file = plain ?? template
    if (!file) return {templated: false, fragments: []}
    const templated = !plain
    const rendered = templated ? renderConfigTemplate(file.text, ctx.values.values) : plainConfig(file.text)
    const value = rendered?.parse.ok ? rendered.parse.value : undefined
    const config = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
    const fragments: FragmentRender[] = []
    if (templated && rendered) {
      for (const use of fragmentUses(ctx, file.text)) {
        const r = renderConfigTemplate(file.text, {...ctx.values.values, [use.name]: SAMPLE_MOUNT_FRAGMENT})
        if (r) fragments.push({...use, rendered: r})
      }
    }
    return {file, templated, ...(rendered ? {rendered} : {}), ...(config ? {config} : {}), fragments}
  })
}

/** Template line and column of a JSON pointer's value (its key, for object members), or of its nearest ancestor. */
export function configPosition(model: ConfigModel, pointer: string, at: 'key' | 'value' = 'key'): TemplatePosition | undefined {
  const r = model.rendered
  if (!r?.parse.ok) return undefined
  const found = nearestLocation(r.parse.locations, pointer)?.location
  if (!found) return undefined
  return r.templatePosition((at === 'key' ? (found.key ?? found.value) : found.value).offset)
}

/** A finding about the config at a JSON pointer. */
export function configFinding(model: ConfigModel, pointer: string, message: string, extra: {hint?: string; severity?: Severity; at?: 'key' | 'value'} = {}): RuleFinding {
  const pos = configPosition(model, pointer, extra.at)
  return {
    file: model.file!.shown,
    ...(pos ? {line: pos.line, column: pos.column} : {}),
    message,
    ...(extra.hint === undefined ? {} : {hint: extra.hint}),
    ...(extra.severity === undefined ? {} : {severity: extra.severity}),
  }
}

/** The object at `key` of `o`, when it is an object. */
export const objectAt = (o: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined => {
  const v = o?.[key]
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

/** Findings for the pre-1.0 shapes of the given kinds (see runtime-config-legacy.ts). */
export function legacyFindings(ctx: LintContext, kinds: readonly LegacyShapeKind[]): RuleFinding[] {
  const model = configModel(ctx)
  if (!model.config) return []
  return findLegacyShapes(model.config)
    .filter((s) => kinds.includes(s.kind))
    .map((s) => configFinding(model, s.pointer, s.message, {hint: s.hint, severity: s.severity}))
}

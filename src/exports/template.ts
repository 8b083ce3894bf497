/**
 * Templates with exactly the semantics of Python's `string.Template.substitute`,
 * as atomic rendered them (atomic-semantics.md §3): `$$`, `$name`, `${name}`,
 * ASCII identifiers, greedy names, every other `$` an invalid placeholder, a
 * missing value an error. Single pass: values are inserted literally.
 *
 * Unlike Python, errors name every problem with its 1-based line and column.
 */
import {SysbuildError} from '../core/errors.js'

export type TemplateToken =
  | {readonly kind: 'text'; readonly text: string; readonly offset: number}
  | {readonly kind: 'escape'; readonly offset: number; readonly line: number; readonly column: number}
  | {
      readonly kind: 'variable'
      readonly name: string
      readonly braced: boolean
      readonly offset: number
      readonly line: number
      readonly column: number
      /** The placeholder as written, e.g. `$NAME` or `${NAME}`. */
      readonly raw: string
    }
  | {
      readonly kind: 'invalid'
      readonly offset: number
      readonly line: number
      readonly column: number
      /** The offending text: the `$` and what follows it on the line (at most 12 characters). */
      readonly raw: string
    }

const ID_START = /[_A-Za-z]/
const ID_REST = /[_A-Za-z0-9]/

/** Position of every line start, for offset → line/column. */
function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  return starts
}

function position(starts: number[], offset: number): {line: number; column: number} {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return {line: lo + 1, column: offset - starts[lo]! + 1}
}

function readIdentifier(text: string, at: number): number {
  if (at >= text.length || !ID_START.test(text[at]!)) return at
  let end = at + 1
  while (end < text.length && ID_REST.test(text[end]!)) end++
  return end
}

/** Split a template into literal text, escapes, variables and invalid placeholders. */
export function scanTemplate(text: string): TemplateToken[] {
  const starts = lineStarts(text)
  const tokens: TemplateToken[] = []
  let literalFrom = 0
  let i = text.indexOf('$')
  while (i !== -1) {
    if (i > literalFrom) tokens.push({kind: 'text', text: text.slice(literalFrom, i), offset: literalFrom})
    const {line, column} = position(starts, i)
    const next = text[i + 1]
    let end: number
    if (next === '$') {
      tokens.push({kind: 'escape', offset: i, line, column})
      end = i + 2
    } else if (next === '{') {
      const idEnd = readIdentifier(text, i + 2)
      if (idEnd > i + 2 && text[idEnd] === '}') {
        end = idEnd + 1
        tokens.push({kind: 'variable', name: text.slice(i + 2, idEnd), braced: true, offset: i, line, column, raw: text.slice(i, end)})
      } else {
        end = i + 1
        tokens.push({kind: 'invalid', offset: i, line, column, raw: offending(text, i)})
      }
    } else {
      const idEnd = readIdentifier(text, i + 1)
      if (idEnd > i + 1) {
        end = idEnd
        tokens.push({kind: 'variable', name: text.slice(i + 1, idEnd), braced: false, offset: i, line, column, raw: text.slice(i, end)})
      } else {
        end = i + 1
        tokens.push({kind: 'invalid', offset: i, line, column, raw: offending(text, i)})
      }
    }
    literalFrom = end
    i = text.indexOf('$', end)
  }
  if (literalFrom < text.length) tokens.push({kind: 'text', text: text.slice(literalFrom), offset: literalFrom})
  return tokens
}

function offending(text: string, at: number): string {
  const lineEnd = text.indexOf('\n', at)
  const rest = text.slice(at, lineEnd === -1 ? text.length : lineEnd)
  return rest.length > 12 ? rest.slice(0, 12) : rest
}

export interface VariableUse {
  readonly name: string
  readonly line: number
  readonly column: number
  readonly braced: boolean
}

/** Every variable use, in text order (escapes are not variables; invalid placeholders are skipped). */
export function templateVariables(text: string): VariableUse[] {
  return scanTemplate(text).flatMap((t) =>
    t.kind === 'variable' ? [{name: t.name, line: t.line, column: t.column, braced: t.braced}] : [],
  )
}

export type TemplateValues = Readonly<Record<string, string>>

export interface TemplateProblem {
  readonly kind: 'unknown-variable' | 'invalid-placeholder'
  readonly line: number
  readonly column: number
  /** Variable name, or the offending text of an invalid placeholder. */
  readonly text: string
}

export type RenderResult = {readonly ok: true; readonly output: string} | {readonly ok: false; readonly problems: TemplateProblem[]}

/** Render without throwing: either the output, or every problem found. */
export function tryRenderTemplate(text: string, values: TemplateValues): RenderResult {
  const out: string[] = []
  const problems: TemplateProblem[] = []
  for (const t of scanTemplate(text)) {
    switch (t.kind) {
      case 'text':
        out.push(t.text)
        break
      case 'escape':
        out.push('$')
        break
      case 'variable': {
        const v = Object.prototype.hasOwnProperty.call(values, t.name) ? values[t.name] : undefined
        if (v === undefined) problems.push({kind: 'unknown-variable', line: t.line, column: t.column, text: t.name})
        else out.push(v)
        break
      }
      case 'invalid':
        problems.push({kind: 'invalid-placeholder', line: t.line, column: t.column, text: t.raw})
        break
    }
  }
  return problems.length ? {ok: false, problems} : {ok: true, output: out.join('')}
}

/**
 * Render a template, or throw one SysbuildError describing every problem.
 * Invalid placeholders win over unknown variables (the text cannot be read at all).
 * `file` is the name shown to the user (an exports-relative path).
 */
export function renderTemplate(text: string, values: TemplateValues, file: string): string {
  const result = tryRenderTemplate(text, values)
  if (result.ok) return result.output
  throw templateError(result.problems, file)
}

export function templateError(problems: readonly TemplateProblem[], file: string): SysbuildError {
  const invalid = problems.filter((p) => p.kind === 'invalid-placeholder')
  if (invalid.length) {
    const first = invalid[0]!
    const list = invalid.map((p) => `'${p.text}' at line ${p.line}, column ${p.column}`).join('; ')
    return new SysbuildError(
      'SYSBUILD_EXPORTS_TEMPLATE_INVALID_PLACEHOLDER',
      `Invalid placeholder in the template file '${file}': ${list}`,
      {file, line: first.line, column: first.column, suggestions: ['Write a literal dollar sign as $$; variables are $NAME or ${NAME}']},
    )
  }
  const first = problems[0]!
  const names = [...new Set(problems.map((p) => p.text))]
  const list = names
    .map((n) => `'${n}' (${problems.filter((p) => p.text === n).map((p) => `${p.line}:${p.column}`).join(', ')})`)
    .join(', ')
  return new SysbuildError(
    'SYSBUILD_EXPORTS_TEMPLATE_UNKNOWN_VAR',
    `The template file '${file}' still contains an unreplaced value for: ${list}`,
    {file, line: first.line, column: first.column, suggestions: names.map((n) => `--set ${n}=VALUE`)},
  )
}

/**
 * Render a template for lint and keep track of where each rendered line came from.
 * Rendering keeps the line structure except where a value contains newlines; the
 * map is computed from the template tokens, so messages about the rendered text
 * (from our parsers or from systemd's tools) can name template lines.
 */
import {scanTemplate} from '../template.js'

export interface LintRendering {
  readonly output: string
  /** Variables without a value, in text order (each name once). */
  readonly missing: readonly string[]
  /** The 1-based template line a 1-based rendered line comes from. */
  templateLine(renderedLine: number): number
  /** Whether a rendered line is the template line unchanged (columns then match too). */
  sameLine(renderedLine: number): boolean
}

/**
 * Render `text` with `values`. A variable without a value becomes `opaque` when given
 * (lint parsers skip fields containing it), else it stays as written. Invalid
 * placeholders stay as written (other rules report them).
 */
export function renderForLint(text: string, values: Readonly<Record<string, string>>, opaque?: string): LintRendering {
  const out: string[] = []
  const missing = new Set<string>()
  // lineOf[r] = template line of rendered line r+1
  const lineOf: number[] = [1]
  let templateLine = 1
  const addText = (s: string, advancesTemplate: boolean): void => {
    out.push(s)
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) {
      if (advancesTemplate) templateLine++
      lineOf.push(templateLine)
    }
  }
  for (const t of scanTemplate(text)) {
    if (t.kind === 'text') addText(t.text, true)
    else if (t.kind === 'escape') out.push('$')
    else if (t.kind === 'invalid') out.push('$')
    else if (Object.prototype.hasOwnProperty.call(values, t.name)) addText(values[t.name]!, false)
    else {
      missing.add(t.name)
      addText(opaque ?? t.raw, false)
    }
  }
  const output = out.join('')
  const templateLines = text.split('\n')
  const renderedLines = output.split('\n')
  return {
    output,
    missing: [...missing],
    templateLine: (r) => lineOf[Math.min(Math.max(r, 1), lineOf.length) - 1]!,
    sameLine: (r) => renderedLines[r - 1] !== undefined && renderedLines[r - 1] === templateLines[lineOf[r - 1]! - 1],
  }
}

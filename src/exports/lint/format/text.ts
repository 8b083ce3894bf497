/** Human output: `file:line:col: severity: message [rule]`, an indented hint, a summary line. */
import {located} from '../../../core/index.js'
import type {LintReport} from '../../generated/lint-report.js'
import type {Severity} from '../types.js'
import {lintSummary} from './summary.js'

export interface TextFormatOptions {
  /** ANSI colours (the command turns them on only when stdout is a TTY). */
  readonly color?: boolean
}

const SGR = {red: '31', yellow: '33', cyan: '36', green: '32', dim: '2', bold: '1'} as const
const SEVERITY_COLOR: Record<Severity, keyof typeof SGR> = {error: 'red', warning: 'yellow', info: 'cyan'}

export function formatLintText(report: LintReport, opts: TextFormatOptions = {}): string {
  const paint = (c: keyof typeof SGR, s: string): string => (opts.color ? `\u001b[${SGR[c]}m${s}\u001b[0m` : s)
  const lines: string[] = []
  for (const f of report.findings) {
    const head = located(f.file, f.line, f.column, `${paint(SEVERITY_COLOR[f.severity], f.severity)}: ${f.message}`)
    lines.push(`${head} ${paint('dim', `[${f.rule}]`)}`)
    if (f.hint) lines.push(`    hint: ${f.hint}`)
  }
  const summary = lintSummary(report)
  lines.push(report.errors ? paint('red', summary) : report.warnings ? paint('yellow', summary) : paint('green', summary))
  return lines.join('\n') + '\n'
}

/** The one-line summary that ends text output: `2 errors, 1 warning` (infos only when present). */
import type {LintReport} from '../../generated/lint-report.js'

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

export function lintSummary(report: LintReport): string {
  const parts = [count(report.errors, 'error'), count(report.warnings, 'warning')]
  if (report.infos) parts.push(count(report.infos, 'info'))
  return parts.join(', ')
}

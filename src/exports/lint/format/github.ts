/**
 * `--format github`: GitHub Actions workflow commands, one per finding, which
 * become annotations on the pull request:
 * `::error file=F,line=L,col=C,title=RULE::MESSAGE`.
 */
import type {LintReport} from '../../generated/lint-report.js'
import type {Severity} from '../types.js'

const COMMAND: Record<Severity, string> = {error: 'error', warning: 'warning', info: 'notice'}

/** Escaping of the Actions toolkit: data escapes %, CR, LF; property values also : and ,. */
const escapeData = (s: string): string => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
const escapeProperty = (s: string): string => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C')

export function formatLintGithub(report: LintReport): string {
  return report.findings
    .map((f) => {
      const props = [`file=${escapeProperty(f.file)}`]
      if (f.line !== undefined) props.push(`line=${f.line}`)
      if (f.column !== undefined) props.push(`col=${f.column}`)
      props.push(`title=${escapeProperty(f.rule)}`)
      const message = f.hint ? `${f.message}\nhint: ${f.hint}` : f.message
      return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(message)}\n`
    })
    .join('')
}

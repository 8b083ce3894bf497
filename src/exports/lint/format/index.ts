/** Lint report renderers for `sysbuild lint --format`. Pure: report in, text out. */
import type {LintReport} from '../../generated/lint-report.js'
import {formatLintGithub} from './github.js'
import {formatLintJson} from './json.js'
import {formatLintSarif} from './sarif.js'
import {formatLintText} from './text.js'

export {lintSummary} from './summary.js'
export {ruleCatalog, type RuleInfo} from './catalog.js'
export {formatLintText, formatLintJson, formatLintSarif, formatLintGithub}

export const LINT_FORMATS = ['text', 'json', 'sarif', 'github'] as const
export type LintFormat = (typeof LINT_FORMATS)[number]

export interface LintFormatOptions {
  /** Colours in text output. */
  readonly color?: boolean
  /** sysbuild's version, for SARIF. */
  readonly toolVersion?: string
}

export function formatLintReport(report: LintReport, format: LintFormat, opts: LintFormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatLintText(report, opts)
    case 'json':
      return formatLintJson(report)
    case 'sarif':
      return formatLintSarif(report, opts)
    case 'github':
      return formatLintGithub(report)
  }
}

/* Generated from src/exports/schema/lint-report.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * The result of `sysbuild lint --format json`.
 */
export interface LintReport {
  findings: Finding[]
  errors: number
  warnings: number
  infos?: number
}
export interface Finding {
  /**
   * Stable rule id, e.g. config/readonly-root.
   */
  rule: string
  severity: 'error' | 'warning' | 'info'
  /**
   * Path of the file, relative to the linted directory's parent where possible.
   */
  file: string
  line?: number
  column?: number
  message: string
  /**
   * A concrete fix.
   */
  hint?: string
}

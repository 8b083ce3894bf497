/** `--format json`: the report itself (schema/lint-report.schema.json), as `--json` prints it. */
import type {LintReport} from '../../generated/lint-report.js'

export const formatLintJson = (report: LintReport): string => JSON.stringify(report, null, 2) + '\n'

/**
 * Every rule id a lint report can carry: the rule table plus the two findings the
 * runner makes itself (an unparsable sysbuild.toml, a rule that crashed). Used by
 * SARIF output, `sysbuild lint --rules` and docs/lint-rules.md.
 */
import {RULES} from '../rules/index.js'
import type {Severity} from '../types.js'

export interface RuleInfo {
  readonly id: string
  readonly severity: Severity
  readonly description: string
}

export const RUNNER_RULES: readonly RuleInfo[] = [
  {id: 'lint/internal-error', severity: 'error', description: 'A lint rule failed unexpectedly (a sysbuild bug); the other rules still ran.'},
  {id: 'spec/invalid', severity: 'error', description: 'sysbuild.toml is not valid TOML or does not match the build-spec schema.'},
]

/** The rule table and the runner's own ids, sorted by id. */
export function ruleCatalog(): RuleInfo[] {
  return [...RULES, ...RUNNER_RULES]
    .map(({id, severity, description}) => ({id, severity, description}))
    .sort((a, b) => a.id.localeCompare(b.id))
}

/** The shape of lint rules and their findings. Findings are data; rules never throw for content. */
import type {LintContext} from './context.js'

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  readonly rule: string
  readonly severity: Severity
  /** Path shown to the user (see LintContext.shown). */
  readonly file: string
  readonly line?: number
  readonly column?: number
  readonly message: string
  /** A concrete fix. */
  readonly hint?: string
}

/** What a rule returns: a finding without its rule id (filled in by the runner). */
export interface RuleFinding {
  readonly file: string
  readonly line?: number
  readonly column?: number
  readonly message: string
  readonly hint?: string
  /** Overrides the rule's default severity for this one finding. */
  readonly severity?: Severity
}

export interface Rule {
  /** Stable id, `<group>/<kebab-name>`, e.g. `config/readonly-root`. */
  readonly id: string
  /** Default severity. */
  readonly severity: Severity
  /** One line for docs/lint-rules.md and `sysbuild lint --rules`. */
  readonly description: string
  readonly check: (ctx: LintContext) => RuleFinding[] | Promise<RuleFinding[]>
}

export const defineRule = (rule: Rule): Rule => rule

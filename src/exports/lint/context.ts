/**
 * What every lint rule sees: the files of one exports set, the lint options, and
 * memoised models (parsed manifest, sample values, ...). Rule groups add their own
 * models through `memo` so that this file stays small.
 */
import {join} from 'node:path'
import type {ExportsFileName, ExportsSet, SourceFile} from '../project.js'
import type {ResolvedValues} from '../values.js'
import type {Finding, Rule, RuleFinding} from './types.js'

export interface LintOptions {
  /** `--set` values for variables without defaults. */
  readonly set?: Readonly<Record<string, string>>
  /** Run external tools (systemd-analyze verify, systemd-tmpfiles). */
  readonly deep?: boolean
  /** Labels of the image being linted, when known (from a build spec, Dockerfile or image config). */
  readonly labels?: Readonly<Record<string, string>>
}

export class LintContext {
  private readonly cache = new Map<string, unknown>()

  constructor(
    readonly exports: ExportsSet,
    readonly options: LintOptions = {},
  ) {}

  /** An exports file, when present and readable. */
  file(name: ExportsFileName): SourceFile | undefined {
    return this.exports.files[name]
  }

  /** Whether an exports file exists, readable or not (an unreadable one is reported by exports/unreadable-file). */
  present(name: ExportsFileName): boolean {
    return this.file(name) !== undefined || this.exports.unreadable.some((u) => u.path === join(this.exports.exportsDir, name))
  }

  /** The shown path of an exports file whether or not it exists (for findings about a missing file). */
  shownPath(name: string): string {
    return join(this.exports.shownExportsDir, name)
  }

  /** Compute a model once per context. Keys are namespaced by the module that owns them, e.g. `unit:model`. */
  memo<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make())
    return this.cache.get(key) as T
  }

  /** Sample values (see lint/sample-values.ts); set by the runner before rules run. */
  get values(): ResolvedValues {
    const v = this.cache.get('values:resolved')
    if (!v) throw new Error('values not resolved yet')
    return v as ResolvedValues
  }
}

export const toFinding = (rule: Rule, f: RuleFinding): Finding => ({
  rule: rule.id,
  severity: f.severity ?? rule.severity,
  file: f.file,
  ...(f.line === undefined ? {} : {line: f.line}),
  ...(f.column === undefined ? {} : {column: f.column}),
  message: f.message,
  ...(f.hint === undefined ? {} : {hint: f.hint}),
})

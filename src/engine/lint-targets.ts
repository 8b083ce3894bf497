/** `sysbuild lint [PATH|IMAGE]...`: directories are linted as projects, image references as images. */
import type {Finding, LintReport} from '../exports/index.js'
import type {LintImageOptions} from './lint-image.js'
import {isImageArgument} from './lint-image-source.js'

export interface LintTargetsOptions extends LintImageOptions {
  /** Count warnings as errors. */
  readonly strict?: boolean
}

/** Lint each target and return one report. Bad targets throw typed errors; bad content becomes findings. */
export async function lintTargets(targets: readonly string[], opts: LintTargetsOptions = {}): Promise<LintReport> {
  // The linter (every rule, the schemas) loads when something is linted, not with the engine.
  const {lintPath, reportOf} = await import('../exports/index.js')
  const {lintImage} = await import('./lint-image.js')
  const findings: Finding[] = []
  for (const t of targets) {
    findings.push(...(isImageArgument(t, opts.cwd) ? await lintImage(t, opts) : await lintPath(t, opts)))
  }
  return reportOf(findings, opts.strict ?? false)
}

/** `sysbuild lint`: run every rule over one or more exports sets. */
import {basename, join} from 'node:path'
import {isSysbuildError} from '../../core/index.js'
import {loadExports, locateExports, type ExportsSet} from '../project.js'
import {parseBuildSpec, type BuildSpec} from '../build-spec.js'
import {readTextFile} from '../../core/index.js'
import {LintContext, toFinding, type LintOptions} from './context.js'
import {manifestModel} from './manifest-model.js'
import {sampleValues} from './sample-values.js'
import {RULES} from './rules/index.js'
import type {Finding, Rule} from './types.js'
import type {LintReport} from '../generated/lint-report.js'

export type {Finding, Rule, Severity} from './types.js'
export type {LintOptions} from './context.js'
export type {LintReport} from '../generated/lint-report.js'
export {RULES} from './rules/index.js'
export {LintContext} from './context.js'

export interface LintRunOptions extends LintOptions {
  /** Turn warnings into errors. */
  readonly strict?: boolean
  /** Base for shown paths (default: cwd). */
  readonly shownBase?: string
  /** Restrict to these rules (ids), for tests. */
  readonly only?: readonly string[]
}

const SEVERITY_ORDER = {error: 0, warning: 1, info: 2} as const

/** Lint each path and return one report. Bad paths throw typed errors; bad content becomes findings. */
export async function lintPaths(paths: readonly string[], opts: LintRunOptions = {}): Promise<LintReport> {
  const findings: Finding[] = []
  for (const p of paths) findings.push(...(await lintPath(p, opts)))
  return reportOf(findings, opts.strict ?? false)
}

export function reportOf(all: readonly Finding[], strict: boolean): LintReport {
  const findings = all.map((f) => (strict && f.severity === 'warning' ? {...f, severity: 'error' as const} : f))
  return {
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  }
}

/** Lint one directory. */
export async function lintPath(path: string, opts: LintRunOptions = {}): Promise<Finding[]> {
  const where = locateExports(path)
  let spec: BuildSpec | undefined
  const pre: Finding[] = []
  if (where.buildSpec) {
    const shown = basename(where.root) + '/sysbuild.toml'
    try {
      spec = parseBuildSpec(await readTextFile(where.buildSpec, shown), shown)
    } catch (e) {
      if (!isSysbuildError(e)) throw e
      pre.push({rule: 'spec/invalid', severity: 'error', file: e.hint.file ?? shown, line: e.hint.line, column: e.hint.column, message: e.message.replace(`${shown}: `, '')})
    }
  }
  const set = await loadExports(path, {shownBase: opts.shownBase, exportsDir: spec?.exports})
  const labels = {...(spec?.labels ?? {}), ...(opts.labels ?? {})}
  return [...pre, ...(await lintExportsSet(set, {...opts, labels}, spec))]
}

/** Run the rules over a loaded exports set. */
export async function lintExportsSet(set: ExportsSet, opts: LintRunOptions = {}, spec?: BuildSpec): Promise<Finding[]> {
  const ctx = new LintContext(set, opts)
  const name = sampleName(set, spec)
  ctx.memo('values:resolved', () =>
    sampleValues({name, defaults: manifestModel(ctx).defaults, set: opts.set ?? {}, serviceText: ctx.file('service.template')?.text}),
  )
  const rules = opts.only ? RULES.filter((r) => opts.only!.includes(r.id)) : RULES
  const findings: Finding[] = []
  for (const rule of rules) findings.push(...(await runRule(rule, ctx)))
  return findings.sort(compareFindings)
}

async function runRule(rule: Rule, ctx: LintContext): Promise<Finding[]> {
  try {
    return (await rule.check(ctx)).map((f) => toFinding(rule, f))
  } catch (e) {
    // A rule must never take the whole lint down: report it as an internal error finding.
    const message = `internal error in rule ${rule.id}: ${(e as Error).message}`
    return [{rule: 'lint/internal-error', severity: 'error', file: ctx.exports.shownExportsDir, message}]
  }
}

function sampleName(set: ExportsSet, spec?: BuildSpec): string {
  const raw = spec?.name?.split('/').pop() ?? basename(set.kind === 'exports-dir' && basename(set.exportsDir) === 'exports' ? set.root : set.exportsDir)
  const clean = raw.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '')
  return clean || 'sample'
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.rule.localeCompare(b.rule)
  )
}

export const exportsDirOf = (root: string, spec?: BuildSpec): string => join(root, spec?.exports ?? 'exports')

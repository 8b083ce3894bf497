/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), the format code-scanning services read.
 * tool.driver.rules describes every rule id a report can carry; each result points
 * at its rule by id and index.
 */
import {isAbsolute, sep} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {LintReport} from '../../generated/lint-report.js'
import type {Finding, Severity} from '../types.js'
import {ruleCatalog} from './catalog.js'

export interface SarifOptions {
  /** sysbuild's version, for tool.driver.version. */
  readonly toolVersion?: string
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {error: 'error', warning: 'warning', info: 'note'}

export function formatLintSarif(report: LintReport, opts: SarifOptions = {}): string {
  const rules = ruleCatalog()
  // A finding whose rule is not in the catalogue (should not happen) still gets a descriptor.
  for (const f of report.findings) {
    if (!rules.some((r) => r.id === f.rule)) rules.push({id: f.rule, severity: f.severity, description: `sysbuild lint rule ${f.rule}`})
  }
  const index = new Map(rules.map((r, i) => [r.id, i]))
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sysbuild',
            ...(opts.toolVersion ? {version: opts.toolVersion} : {}),
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: {text: r.description},
              defaultConfiguration: {level: LEVEL[r.severity]},
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => result(f, index.get(f.rule)!)),
      },
    ],
  }
  return JSON.stringify(log, null, 2) + '\n'
}

function result(f: Finding, ruleIndex: number): object {
  const region = f.line === undefined ? undefined : {startLine: f.line, ...(f.column === undefined ? {} : {startColumn: f.column})}
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: {text: f.hint ? `${f.message}\nHint: ${f.hint}` : f.message},
    locations: [{physicalLocation: {artifactLocation: {uri: fileUri(f.file)}, ...(region ? {region} : {})}}],
  }
}

/** A relative path stays a relative URI reference (resolved against the repository root); absolute → file:. */
function fileUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href
  return file.split(sep).map(encodeURIComponent).join('/')
}

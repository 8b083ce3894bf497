/** The deployment `info` file (atomic-semantics.md §8): read tolerantly, written with 4-space indent. */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {parseJsonText, SysbuildError, validateWithSchema, writeFileAtomic} from '../core/index.js'
import {formatValue, type ValueSource} from '../exports/values.js'
import type {DeploymentInfo} from './generated/info.js'

export type {DeploymentInfo} from './generated/info.js'

/** The info file as sysbuild uses it: values are text. */
export interface Info extends Omit<DeploymentInfo, 'values'> {
  readonly values: Record<string, string>
}

export const INFO_FILE = 'info'

export function renderInfo(info: Info): string {
  return `${JSON.stringify(info, null, 4)}\n`
}

/** Read `<deployment>/info`; missing or invalid → SYSBUILD_ENGINE_BROKEN naming the file. */
export async function readInfo(deployment: string): Promise<Info> {
  const path = join(deployment, INFO_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new SysbuildError('SYSBUILD_ENGINE_BROKEN', `The deployment ${deployment} has no readable info file`, {file: path}, e)
  }
  return parseInfo(text, path)
}

export function parseInfo(text: string, path: string): Info {
  const parsed = parseJsonText(text)
  if (!parsed.ok) {
    throw new SysbuildError('SYSBUILD_ENGINE_BROKEN', `Invalid json in info file: ${path}.`, {file: path, line: parsed.line, column: parsed.column})
  }
  const problems = validateWithSchema('engine', 'info', parsed.value)
  if (problems.length) {
    throw new SysbuildError('SYSBUILD_ENGINE_BROKEN', `Invalid info file ${path}: ${problems.map((p) => p.message).join('; ')}`, {file: path})
  }
  const raw = parsed.value as DeploymentInfo
  const values: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw.values)) {
    const f = formatValue(v)
    values[k] = f.ok ? f.text : String(v)
  }
  return {...raw, values}
}

export async function writeInfo(deployment: string, info: Info): Promise<void> {
  await writeFileAtomic(join(deployment, INFO_FILE), renderInfo(info))
}

/** Where each value came from; atomic's info files have no record, so every value counts as --set. */
export function valueSources(info: Info): Record<string, ValueSource> {
  const recorded = info.sysbuild?.sources ?? {}
  return Object.fromEntries(Object.keys(info.values).map((k) => [k, recorded[k] ?? 'set']))
}

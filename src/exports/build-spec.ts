/** sysbuild.toml: parsed with @iarna/toml, validated against schema/build-spec.schema.json. */
import TOML from '@iarna/toml'
import {SysbuildError, validateWithSchema} from '../core/index.js'
import type {BuildSpec} from './generated/build-spec.js'

export type {BuildSpec} from './generated/build-spec.js'

interface TomlError extends Error {
  line?: number
  col?: number
}

/** Parse and validate a build spec. `shown` names the file in messages. */
export function parseBuildSpec(text: string, shown: string): BuildSpec {
  let data: unknown
  try {
    data = TOML.parse(text)
  } catch (e) {
    const err = e as TomlError
    const line = err.line === undefined ? undefined : err.line + 1
    const column = err.col === undefined ? undefined : err.col + 1
    const first = err.message.split('\n')[0] ?? 'invalid TOML'
    throw new SysbuildError('SYSBUILD_EXPORTS_INVALID_TOML', `${shown}: ${first.replace(/ at row \d+, col \d+, pos \d+:?$/, '')}`, {file: shown, line, column}, e)
  }
  // @iarna/toml returns objects with symbol-keyed metadata; a JSON round trip gives plain data.
  const plain = JSON.parse(JSON.stringify(data)) as unknown
  const problems = validateWithSchema('exports', 'build-spec', plain)
  if (problems.length) {
    throw new SysbuildError(
      'SYSBUILD_EXPORTS_SCHEMA_VIOLATION',
      `${shown} is not a valid build spec: ${problems.map((p) => p.message).join('; ')}`,
      {file: shown, line: lineOfKey(text, problems[0]!.pointer)},
    )
  }
  return plain as BuildSpec
}

/** Best-effort line of the first key of a JSON pointer in TOML text. */
function lineOfKey(text: string, pointer: string): number | undefined {
  const keys = pointer.split('/').filter(Boolean).filter((k) => !/^\d+$/.test(k))
  const key = keys[keys.length - 1]
  if (!key) return undefined
  const lines = text.split('\n')
  const i = lines.findIndex((l) => new RegExp(`^\\s*("?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?)\\s*=|^\\s*\\[+\\s*${key}\\s*\\]+`).test(l))
  return i === -1 ? undefined : i + 1
}

/**
 * `/exports/manifest.json` (atomic-semantics.md §5): parsing for the engine, with typed
 * errors that name the line, and the formatting of `defaultValues` as Python's `%s`
 * printed them (§3.4).
 */
import {
  nearestLocation,
  parseJsonWithPositions,
  SysbuildError,
  validateWithSchema,
  type JsonLocations,
} from '../core/index.js'
import type {ExportsManifest} from './generated/manifest.js'

/** The keys atomic reads (plus `version`, which it never read). */
export const MANIFEST_KEYS = ['version', 'defaultValues', 'renameFiles', 'installedFilesTemplate', 'noContainerService', 'useLinks'] as const

export type DefaultValueKind = 'string' | 'integer' | 'boolean' | 'null' | 'float' | 'array' | 'object'

export interface DefaultValueEntry {
  readonly name: string
  /** JSON pointer of the value, e.g. `/defaultValues/PORT`. */
  readonly pointer: string
  readonly kind: DefaultValueKind
  /** The text the value renders as; absent for kinds that cannot be reproduced (float, array, object). */
  readonly text?: string
  /** The value as written in the file (numbers, arrays, objects). */
  readonly raw?: string
}

const escapeToken = (t: string): string => t.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * Classify and format every defaultValues entry. Numbers are judged by their source text,
 * as Python's json module does: `8080` is an int (rendered with the digits as written),
 * `1.0` and `1e3` are floats (refused: Python would print `1.0`, `1000.0`).
 */
export function manifestDefaultValues(manifest: unknown, text: string, locations: JsonLocations): DefaultValueEntry[] {
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) return []
  const dv = (manifest as Record<string, unknown>).defaultValues
  if (dv === null || typeof dv !== 'object' || Array.isArray(dv)) return []
  return Object.entries(dv as Record<string, unknown>).map(([name, v]) => {
    const pointer = `/defaultValues/${escapeToken(name)}`
    if (typeof v === 'string') return {name, pointer, kind: 'string', text: v}
    if (typeof v === 'boolean') return {name, pointer, kind: 'boolean', text: v ? 'True' : 'False'}
    if (v === null) return {name, pointer, kind: 'null', text: 'None'}
    const loc = locations.get(pointer)
    const raw = loc ? text.slice(loc.value.offset, loc.end) : JSON.stringify(v)
    if (typeof v === 'number') {
      if (/^-?[0-9]+$/.test(raw)) return {name, pointer, kind: 'integer', text: raw === '-0' ? '0' : raw, raw}
      return {name, pointer, kind: 'float', raw}
    }
    return {name, pointer, kind: Array.isArray(v) ? 'array' : 'object', raw}
  })
}

/** Why a defaults entry cannot be used, or undefined. */
export function refusedDefaultReason(e: DefaultValueEntry): string | undefined {
  switch (e.kind) {
    case 'float':
      return `defaultValues.${e.name} is a floating-point number, which atomic printed as a Python float; write it as a string`
    case 'array':
    case 'object':
      return `defaultValues.${e.name} is an ${e.kind}, which atomic printed as a Python repr; write it as a string`
    default:
      return undefined
  }
}

export interface ParsedManifest {
  readonly manifest: ExportsManifest
  /** defaultValues as the text each renders as (strings verbatim, integers as digits, True/False/None). */
  readonly defaults: Record<string, string>
}

/**
 * Parse manifest.json text. `shown` names the file in messages.
 * Broken JSON → SYSBUILD_EXPORTS_INVALID_JSON (with line and column);
 * a shape the schema refuses, or a default that cannot be rendered → SYSBUILD_EXPORTS_SCHEMA_VIOLATION.
 * Unknown keys are accepted (lint warns about them).
 */
export function parseManifest(text: string, shown: string): ParsedManifest {
  const parsed = parseJsonWithPositions(text)
  if (!parsed.ok) {
    throw new SysbuildError('SYSBUILD_EXPORTS_INVALID_JSON', `${shown}:${parsed.line}:${parsed.column}: invalid JSON: ${parsed.message}`, {
      file: shown,
      line: parsed.line,
      column: parsed.column,
    })
  }
  const {value, locations} = parsed
  const lineOf = (pointer: string): number | undefined => {
    const at = nearestLocation(locations, pointer)?.location
    return (at?.key ?? at?.value)?.line
  }
  const problems: {line?: number; message: string}[] = []
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({line: lineOf(''), message: `the document must be a JSON object (found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`})
  } else {
    for (const p of validateWithSchema('exports', 'manifest', value)) problems.push({line: lineOf(p.pointer), message: p.message})
    for (const e of manifestDefaultValues(value, text, locations)) {
      const reason = refusedDefaultReason(e)
      if (reason && !problems.some((p) => p.message.startsWith(`${e.pointer} `))) problems.push({line: lineOf(e.pointer), message: reason})
    }
  }
  if (problems.length > 0) {
    const list = problems.map((p) => (p.line === undefined ? p.message : `line ${p.line}: ${p.message}`)).join('; ')
    throw new SysbuildError('SYSBUILD_EXPORTS_SCHEMA_VIOLATION', `${shown} is not a valid manifest: ${list}`, {
      file: shown,
      line: problems[0]!.line,
      suggestions: ['manifest.json keys: version (string), defaultValues (object of strings), renameFiles (object of strings), installedFilesTemplate (array of strings), noContainerService and useLinks (booleans)'],
    })
  }
  const defaults: Record<string, string> = {}
  for (const e of manifestDefaultValues(value, text, locations)) if (e.text !== undefined) defaults[e.name] = e.text
  return {manifest: value as ExportsManifest, defaults}
}

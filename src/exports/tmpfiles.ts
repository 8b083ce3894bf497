/**
 * tmpfiles.d(5) lines as systemd-tmpfiles 252 reads them:
 * `Type[modifiers] Path [Mode [User [Group [Age [Argument…]]]]]`.
 *
 * - Blank lines and lines starting with `#` (after blanks) are skipped; `;` is no comment here.
 * - The first six fields are words: split at blanks, `'…'` and `"…"` quote (also inside a
 *   word), a backslash makes the next character literal (no C escapes: `\x20` is `x20`).
 *   The argument is the rest of the line, as written.
 * - `-` (or an empty quoted word) means "not set" for every field after the path.
 *
 * `parseTmpfiles` never throws; it returns the entries and every problem with its line.
 * Fields containing TMPFILES_OPAQUE (a stand-in for a template variable without a value)
 * are not checked, so lint can parse a template whose values are partly unknown.
 */
import {
  TMPFILES_OPAQUE,
  TMPFILES_MODIFIERS,
  TMPFILES_TYPES,
  ageProblem,
  credentialProblem,
  deviceProblem,
  hasDotDot,
  isAbsoluteTmpfilesPath,
  modeProblem,
  ownerProblem,
  specifierProblem,
} from './tmpfiles-fields.js'

export {TMPFILES_TYPES, TMPFILES_MODIFIERS, TMPFILES_OPAQUE} from './tmpfiles-fields.js'

export type TmpfilesProblemKind =
  | 'syntax'
  | 'unknown-type'
  | 'bad-modifier'
  | 'bad-specifier'
  | 'relative-path'
  | 'unnormalized-path'
  | 'bad-mode'
  | 'bad-owner'
  | 'bad-age'
  | 'bad-argument'
  | 'unused-argument'

export interface TmpfilesProblem {
  readonly line: number
  /** 1-based column of the field concerned, when there is one. */
  readonly column?: number
  readonly kind: TmpfilesProblemKind
  /** `error`: systemd-tmpfiles refuses the line; `warning`: it applies the line but ignores part of it. */
  readonly severity: 'error' | 'warning'
  readonly message: string
}

export interface TmpfilesEntry {
  readonly line: number
  /** The type letter, e.g. `d`. */
  readonly type: string
  /** Modifier characters after the type, e.g. `!-`. */
  readonly modifiers: string
  readonly path: string
  /** Fields left unset (`-`) are undefined. */
  readonly mode?: string
  readonly user?: string
  readonly group?: string
  readonly age?: string
  readonly argument?: string
  /** 1-based columns of type, path, mode, user, group, age, argument (as far as present). */
  readonly columns: readonly number[]
}

export interface TmpfilesParse {
  readonly entries: readonly TmpfilesEntry[]
  readonly problems: readonly TmpfilesProblem[]
}

interface Word {
  readonly text: string
  readonly start: number
}

const BLANK = /[ \t\n\r]/

/** Split up to `max` words; returns the words and the offset where the rest starts, or an error. */
function splitWords(s: string, max: number): {words: Word[]; rest: number} | {error: string} {
  const words: Word[] = []
  let i = 0
  while (words.length < max) {
    while (i < s.length && BLANK.test(s[i]!)) i++
    if (i >= s.length) break
    const start = i
    let text = ''
    let quote: string | undefined
    for (; i < s.length; i++) {
      const c = s[i]!
      if (c === '\\') {
        if (i + 1 >= s.length) return {error: 'a backslash ends the line'}
        text += s[++i]!
      } else if (quote) {
        if (c === quote) quote = undefined
        else text += c
      } else if (c === '"' || c === "'") quote = c
      else if (BLANK.test(c)) break
      else text += c
    }
    if (quote) return {error: `unterminated ${quote} quote`}
    words.push({text, start})
  }
  while (i < s.length && BLANK.test(s[i]!)) i++
  return {words, rest: i}
}

const unset = (v: string | undefined): boolean => v === undefined || v === '' || v === '-'
const opaque = (v: string): boolean => v.includes(TMPFILES_OPAQUE)

/** Parse tmpfiles.d text. Line numbers are 1-based physical lines. */
export function parseTmpfiles(text: string): TmpfilesParse {
  const entries: TmpfilesEntry[] = []
  const problems: TmpfilesProblem[] = []
  text.split('\n').forEach((raw, index) => {
    const line = index + 1
    const lead = raw.length - raw.replace(/^[ \t\r]+/, '').length
    const s = raw.replace(/^[ \t\r]+|[ \t\r]+$/g, '')
    if (s === '' || s.startsWith('#')) return
    const r = parseLine(s, line, lead)
    if ('entry' in r) entries.push(r.entry)
    problems.push(...r.problems)
  })
  return {entries, problems}
}

function parseLine(s: string, line: number, lead: number): {entry: TmpfilesEntry; problems: TmpfilesProblem[]} | {problems: TmpfilesProblem[]} {
  const problems: TmpfilesProblem[] = []
  const err = (kind: TmpfilesProblemKind, message: string, column?: number, severity: 'error' | 'warning' = 'error'): void => {
    problems.push({line, kind, severity, message, ...(column === undefined ? {} : {column})})
  }
  const split = splitWords(s, 6)
  if ('error' in split) {
    err('syntax', `cannot split the line into fields: ${split.error}`)
    return {problems}
  }
  const {words} = split
  if (words.length < 2) {
    err('syntax', 'a line needs at least a type and a path')
    return {problems}
  }
  const columns = words.map((w) => lead + w.start + 1)
  const restText = s.slice(split.rest)
  if (restText !== '') columns.push(lead + split.rest + 1)
  const [action, path, mode, user, group, age] = words.map((w) => w.text) as [string, string, ...string[]]
  const argument = unset(restText) ? undefined : restText
  const type = action[0] ?? ''
  const modifiers = action.slice(1)
  const entry: TmpfilesEntry = {
    line,
    type,
    modifiers,
    path,
    ...(unset(mode) ? {} : {mode}),
    ...(unset(user) ? {} : {user}),
    ...(unset(group) ? {} : {group}),
    ...(unset(age) ? {} : {age}),
    ...(argument === undefined ? {} : {argument}),
    columns,
  }
  if (opaque(action)) return {entry, problems}
  const info = TMPFILES_TYPES[type]
  const seen = new Set<string>()
  for (const m of modifiers) {
    if (!TMPFILES_MODIFIERS.includes(m) || seen.has(m)) {
      err('bad-modifier', `unknown or repeated modifier in '${action}' (modifiers are ${[...TMPFILES_MODIFIERS].join(' ')}, each at most once)`, columns[0])
      return {entry, problems}
    }
    seen.add(m)
  }
  if (!info) {
    err('unknown-type', `unknown line type '${type}'`, columns[0])
    return {entry, problems}
  }
  if (!path.startsWith(TMPFILES_OPAQUE)) {
    const spec = specifierProblem(path)
    if (spec) err('bad-specifier', spec, columns[1])
    else if (!isAbsoluteTmpfilesPath(path)) err('relative-path', `path '${path}' is not absolute`, columns[1])
    else if (hasDotDot(path)) err('unnormalized-path', `path '${path}' contains '..'; systemd-tmpfiles refuses to create it`, columns[1])
  }
  const base64 = seen.has('~')
  if (base64 && !info.base64) err('bad-modifier', `the ~ (base64) modifier is not supported by ${type} lines`, columns[0])
  if (argument !== undefined && !opaque(argument)) {
    if (info.argument === 'ignored') err('unused-argument', `${type} lines take no argument; systemd-tmpfiles ignores '${argument}'`, columns[6], 'warning')
    if ((type === 'c' || type === 'b') && !base64) {
      const p = deviceProblem(argument)
      if (p) err('bad-argument', p, columns[6])
    }
    if (type === 'C' && !isAbsoluteTmpfilesPath(argument)) err('bad-argument', `copy source '${argument}' is not absolute`, columns[6])
    if (seen.has('^')) {
      const p = credentialProblem(argument)
      if (p) err('bad-argument', p, columns[6])
    }
  } else if (argument === undefined) {
    if (info.argument === 'required') err('bad-argument', `${type} lines need an argument (${info.description})`)
    else if (seen.has('^')) err('bad-argument', 'the ^ modifier needs a credential name as the argument')
  }
  const checks: Array<[string | undefined, (v: string) => string | undefined, TmpfilesProblemKind, number]> = [
    [entry.mode, modeProblem, 'bad-mode', 2],
    [entry.user, (v) => ownerProblem('user', v), 'bad-owner', 3],
    [entry.group, (v) => ownerProblem('group', v), 'bad-owner', 4],
    [entry.age, ageProblem, 'bad-age', 5],
  ]
  for (const [value, check, kind, field] of checks) {
    const p = value === undefined || opaque(value) ? undefined : check(value)
    if (p) err(kind, p, columns[field])
  }
  return {entry, problems}
}

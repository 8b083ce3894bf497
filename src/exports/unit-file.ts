/**
 * A loss-less model of systemd unit files (systemd.syntax(7) as systemd 252 reads it).
 *
 * `parseUnitFile` never throws: every physical line lands in exactly one entry, and
 * `writeUnitFile(parseUnitFile(text)) === text` for any text. Lines systemd would
 * ignore or refuse become `invalid` entries (or assignments without a section), so
 * lint can report them with their line numbers.
 *
 * Reading rules, as systemd applies them:
 * - a line whose first non-blank character is `#` or `;` is a comment, also in the
 *   middle of a continued assignment (it is skipped there);
 * - a line ending in an odd number of backslashes continues on the next line; the
 *   backslash becomes a space; a comment line never continues;
 * - `[Name]` (surrounding blanks allowed) starts a section; `[` without a closing
 *   `]` is an invalid header, which makes systemd refuse the whole unit;
 * - `Key=Value`: key and value are stripped of blanks; a line without `=` or with an
 *   empty key is ignored by systemd;
 * - a UTF-8 byte-order mark at the start is skipped.
 */

export type UnitInvalidReason = 'missing-equals' | 'missing-key' | 'bad-section-header'

interface EntryBase {
  /** 1-based number of the first physical line. */
  readonly line: number
  /** 1-based number of the last physical line (systemd reports this one for continued assignments). */
  readonly endLine: number
  /** The physical lines, exactly as written (without their `\n`). */
  readonly raw: readonly string[]
}

export type UnitEntry =
  | (EntryBase & {readonly kind: 'blank'})
  | (EntryBase & {readonly kind: 'comment'})
  | (EntryBase & {readonly kind: 'section'; readonly name: string})
  | (EntryBase & {
      readonly kind: 'assignment'
      /** The section the assignment is in; undefined before the first section header. */
      readonly section: string | undefined
      readonly key: string
      /** The logical value: continuations joined, comment lines dropped, blanks stripped. */
      readonly value: string
    })
  | (EntryBase & {readonly kind: 'invalid'; readonly section: string | undefined; readonly reason: UnitInvalidReason})

export type UnitAssignment = Extract<UnitEntry, {kind: 'assignment'}>

export interface UnitFile {
  readonly entries: readonly UnitEntry[]
  /** Whether the text ends with a newline. */
  readonly finalNewline: boolean
}

const BLANKS = ' \t\n\r'
const BOM = '\ufeff'

const strip = (s: string): string => {
  let a = 0
  let b = s.length
  while (a < b && BLANKS.includes(s[a]!)) a++
  while (b > a && BLANKS.includes(s[b - 1]!)) b--
  return s.slice(a, b)
}

const isComment = (line: string): boolean => {
  const s = strip(line)
  return s.startsWith('#') || s.startsWith(';')
}

/** True when the line (less a CR of a CRLF ending) ends in an odd number of backslashes. */
const continues = (line: string): boolean => {
  const s = line.endsWith('\r') ? line.slice(0, -1) : line
  let n = 0
  while (n < s.length && s[s.length - 1 - n] === '\\') n++
  return n % 2 === 1
}

/** Parse unit-file text into entries. Never throws. */
export function parseUnitFile(text: string): UnitFile {
  const physical = text.split('\n')
  const finalNewline = physical.length > 1 && physical[physical.length - 1] === ''
  if (finalNewline || text === '') physical.pop()
  const entries: UnitEntry[] = []
  let section: string | undefined
  let i = 0
  while (i < physical.length) {
    const start = i
    const first = i === 0 && physical[0]!.startsWith(BOM) ? physical[0]!.slice(1) : physical[i]!
    const line = start + 1
    if (strip(first) === '') {
      entries.push({kind: 'blank', line, endLine: line, raw: [physical[i]!]})
      i++
      continue
    }
    if (isComment(first)) {
      entries.push({kind: 'comment', line, endLine: line, raw: [physical[i]!]})
      i++
      continue
    }
    // Gather a logical line: continuation lines, skipping comment lines inside it.
    let logical = ''
    let current = first
    for (;;) {
      if (continues(current)) {
        const s = current.endsWith('\r') ? current.slice(0, -1) : current
        logical += s.slice(0, -1) + ' '
        i++
        while (i < physical.length && isComment(physical[i]!)) i++
        if (i >= physical.length) break
        current = physical[i]!
      } else {
        logical += current
        i++
        break
      }
    }
    const raw = physical.slice(start, i)
    const base = {line, endLine: start + raw.length, raw}
    const s = strip(logical)
    if (s.startsWith('[')) {
      if (s.endsWith(']') && s.length >= 2) {
        section = s.slice(1, -1)
        entries.push({kind: 'section', name: section, ...base})
      } else entries.push({kind: 'invalid', section, reason: 'bad-section-header', ...base})
      continue
    }
    const eq = s.indexOf('=')
    if (eq === -1) entries.push({kind: 'invalid', section, reason: 'missing-equals', ...base})
    else if (strip(s.slice(0, eq)) === '') entries.push({kind: 'invalid', section, reason: 'missing-key', ...base})
    else entries.push({kind: 'assignment', section, key: strip(s.slice(0, eq)), value: strip(s.slice(eq + 1)), ...base})
  }
  return {entries, finalNewline}
}

/** Write the model back: the exact bytes it was parsed from. */
export function writeUnitFile(unit: UnitFile): string {
  const lines = unit.entries.flatMap((e) => e.raw)
  return lines.join('\n') + (unit.finalNewline ? '\n' : '')
}

/** Every assignment, optionally only those of one section and key (both case-sensitive, as in systemd). */
export function unitAssignments(unit: UnitFile, section?: string, key?: string): UnitAssignment[] {
  return unit.entries.filter(
    (e): e is UnitAssignment =>
      e.kind === 'assignment' && (section === undefined || e.section === section) && (key === undefined || e.key === key),
  )
}

/** All values of Section/Key in file order (repeated sections are merged, as systemd does). */
export function unitValues(unit: UnitFile, section: string, key: string): string[] {
  return unitAssignments(unit, section, key).map((a) => a.value)
}

/**
 * The assignments of a list-valued key that are still in effect: an empty
 * assignment (`ExecStart=`) resets the list, so only the ones after the last
 * empty assignment count.
 */
export function effectiveUnitAssignments(unit: UnitFile, section: string, key: string): UnitAssignment[] {
  const all = unitAssignments(unit, section, key)
  const lastReset = all.map((a) => a.value === '').lastIndexOf(true)
  return all.slice(lastReset + 1)
}

/** Section names in order of first appearance. */
export function unitSections(unit: UnitFile): string[] {
  return [...new Set(unit.entries.flatMap((e) => (e.kind === 'section' ? [e.name] : [])))]
}

/** The entry that covers a 1-based physical line. */
export function unitEntryAt(unit: UnitFile, line: number): UnitEntry | undefined {
  return unit.entries.find((e) => e.line <= line && line <= e.endLine)
}

/**
 * Field checks for tmpfiles.d lines as systemd-tmpfiles 252 applies them: the line
 * types and their arguments, path specifiers, modes, owners and ages. Each check
 * returns a problem text or undefined. Used by tmpfiles.ts.
 */

/** Stands for text whose value is not known (an unresolved template variable); checks skip it. */
export const TMPFILES_OPAQUE = '\ue000'

export type ArgumentUse = 'ignored' | 'optional' | 'required'

export interface TmpfilesTypeInfo {
  readonly description: string
  readonly argument: ArgumentUse
  /** Whether the `~` modifier (base64 argument) is allowed. */
  readonly base64: boolean
}

const t = (description: string, argument: ArgumentUse, base64 = true): TmpfilesTypeInfo => ({description, argument, base64})

/** Every line type systemd-tmpfiles 252 knows. */
export const TMPFILES_TYPES: Readonly<Record<string, TmpfilesTypeInfo>> = {
  f: t('create a file', 'optional'),
  F: t('create or truncate a file (old spelling of f+)', 'optional'),
  w: t('write to a file', 'required'),
  d: t('create a directory', 'ignored'),
  D: t('create a directory, emptied by --remove', 'ignored'),
  e: t('adjust an existing directory and clean it up', 'ignored'),
  v: t('create a btrfs subvolume (or a directory)', 'ignored'),
  q: t('create a btrfs subvolume in the parent quota group', 'ignored'),
  Q: t('create a btrfs subvolume with its own quota group', 'ignored'),
  p: t('create a FIFO', 'ignored'),
  L: t('create a symlink', 'optional', false),
  c: t('create a character device node', 'required', false),
  b: t('create a block device node', 'required', false),
  C: t('copy a file or directory', 'optional'),
  x: t('ignore a path during cleanup', 'ignored'),
  X: t('ignore a path during cleanup, not its contents', 'ignored'),
  r: t('remove a file or empty directory', 'ignored'),
  R: t('remove a path recursively', 'ignored'),
  z: t('adjust mode, owner and label', 'ignored'),
  Z: t('adjust mode, owner and label recursively', 'ignored'),
  m: t('adjust mode and owner (old spelling of z)', 'ignored'),
  t: t('set extended attributes', 'required', false),
  T: t('set extended attributes recursively', 'required', false),
  h: t('set file attributes', 'required', false),
  H: t('set file attributes recursively', 'required', false),
  a: t('set POSIX ACLs', 'required', false),
  A: t('set POSIX ACLs recursively', 'required', false),
}

/** `!` boot only, `-` failure allowed, `=` replace, `~` base64 argument, `^` argument from a credential, `+` append/force. */
export const TMPFILES_MODIFIERS = '!-=~^+'

/** Specifiers systemd-tmpfiles 252 resolves in paths (`%%` is a literal `%`). */
const SPECIFIERS = new Set('abghlmotuvwBCGHLSTUVW%')
/** Specifiers that expand to an absolute path, so a path may start with them. */
const ABSOLUTE_SPECIFIERS = new Set('hCLSTtV')

/** Check `%` specifiers; undefined when fine. */
export function specifierProblem(path: string): string | undefined {
  for (let i = path.indexOf('%'); i !== -1 && i < path.length - 1; i = path.indexOf('%', i + 2)) {
    const c = path[i + 1]!
    if (c !== TMPFILES_OPAQUE && !SPECIFIERS.has(c)) return `unknown specifier '%${c}' in path '${path}' (write %% for a literal %)`
  }
  return undefined
}

/** Whether the path is absolute once specifiers are expanded. */
export function isAbsoluteTmpfilesPath(path: string): boolean {
  if (path.startsWith('/')) return true
  return path.length >= 2 && path[0] === '%' && ABSOLUTE_SPECIFIERS.has(path[1]!)
}

export function hasDotDot(path: string): boolean {
  return path.split('/').includes('..')
}

/** Mode: octal up to 07777, optionally prefixed by `~` (mask with existing bits) and/or `:` (only when creating). */
export function modeProblem(mode: string): string | undefined {
  const digits = mode.replace(/^[~:]+/, '')
  if (/^[0-7]+$/.test(digits) && parseInt(digits, 8) <= 0o7777) return undefined
  return `invalid mode '${mode}': expected octal digits up to 07777, optionally after ~ or :`
}

/** User or group: a number or a name. The name is looked up on the host when the line is applied. */
export function ownerProblem(what: 'user' | 'group', value: string): string | undefined {
  if (/^[0-9]+$/.test(value)) return Number(value) < 4294967295 ? undefined : `invalid ${what} id '${value}'`
  if (value === '.' || value === '..' || /[\s:/,]/.test(value) || /[\u0000-\u001f\u007f]/.test(value)) {
    return `invalid ${what} name '${value}'`
  }
  return undefined
}

const TIME_UNIT = '(?:seconds|second|sec|s|minutes|minute|min|months|month|M|msec|ms|m|hours|hour|hr|h|days|day|d|weeks|week|w|years|year|y|usec|us|\u03bcs|\u00b5s)'
const TIME_PART = `(?:\\d+(?:\\.\\d+)?|\\.\\d+)\\s*${TIME_UNIT}?`
const AGE = new RegExp(`^\\s*(?:infinity|(?:${TIME_PART}\\s*)+)\\s*$`)

/** Age: a time span (`10d`, `1h 30m`, `infinity`), optionally prefixed by `~` (keep the first level). */
export function ageProblem(age: string): string | undefined {
  const span = age.startsWith('~') ? age.slice(1) : age
  return AGE.test(span) ? undefined : `invalid age '${age}': expected a time span such as 10d, 12h or 30min`
}

/** Device numbers for c and b lines: `major:minor`. */
export function deviceProblem(arg: string): string | undefined {
  return /^[0-9]+:[0-9]+$/.test(arg) ? undefined : `invalid device number '${arg}': expected major:minor`
}

/** A credential name (for the `^` modifier): a valid file name of at most 255 bytes. */
export function credentialProblem(arg: string): string | undefined {
  const ok = arg !== '' && arg !== '.' && arg !== '..' && !arg.includes('/') && Buffer.byteLength(arg) <= 255
  return ok ? undefined : `invalid credential name '${arg}'`
}

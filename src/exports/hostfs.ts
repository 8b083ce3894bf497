/**
 * `/exports/hostfs` → host paths (atomic-semantics.md §15): a walker that lists the tree
 * top-down without following symlinks, and the pure rename of a hostfs path to its
 * host destination with `renameFiles`.
 *
 * Paths inside hostfs are written with a leading slash (`/usr/local/lib/x`): that is the
 * host path before renames. Entries directly under hostfs are `/name`, never atomic's
 * `/./name` (defect D10).
 */
import {lstatSync, readdirSync, readlinkSync} from 'node:fs'
import {join, posix} from 'node:path'
import {isSysbuildError, SysbuildError} from '../core/index.js'
import {renderTemplate, type TemplateValues} from './template.js'

export type HostfsEntryKind = 'file' | 'dir' | 'symlink' | 'other'

export interface HostfsEntry {
  /** Host path before renames, e.g. `/usr/local/lib/x`. */
  readonly path: string
  /** Absolute path of the entry on disk. */
  readonly source: string
  readonly kind: HostfsEntryKind
  /** Permission bits (mode & 0o7777). */
  readonly mode: number
  /** Symlink target, as stored. */
  readonly target?: string
}

/** Normalise a host path: absolute, no `.`/`..`/`//`, no trailing slash (except `/`). */
export function normalizeHostPath(p: string): string {
  const n = posix.normalize('/' + p)
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n
}

/** Rebuild `path` one component at a time, replacing the prefix built so far when `lookup` maps it. */
function renameWith(path: string, lookup: (prefix: string) => string | undefined): string {
  let prefix = ''
  for (const part of normalizeHostPath(path).split('/').filter(Boolean)) {
    prefix = `${prefix}/${part}`
    const to = lookup(normalizeHostPath(prefix))
    if (to !== undefined) prefix = normalizeHostPath(to)
  }
  return prefix || '/'
}

const normalizedKeys = <T>(entries: Iterable<[string, T]>): Map<string, T> => {
  const m = new Map<string, T>()
  for (const [k, v] of entries) m.set(normalizeHostPath(k), v)
  return m
}

/**
 * Rename a hostfs path with already-rendered renameFiles values: rebuild the path one
 * component at a time and, after each component, replace the prefix built so far when it
 * is a key (so a directory key renames everything below it, and a renamed prefix may match
 * another key). Keys are compared normalised (`/etc/foo/` is `/etc/foo`); so is the result.
 */
export function renamePath(path: string, renamed: ReadonlyMap<string, string> | Readonly<Record<string, string>>): string {
  const keys = normalizedKeys(renamed instanceof Map ? renamed.entries() : Object.entries(renamed))
  return renameWith(path, (p) => keys.get(p))
}

/**
 * The host destination of a hostfs path (§15 step 1). `renames` are the manifest's
 * renameFiles; their values are templates rendered with `values` when their key is
 * reached. Throws SYSBUILD_EXPORTS_TEMPLATE_* (file `manifest.json`) for a value that
 * cannot be rendered.
 */
export function hostDestination(relPath: string, renames: Readonly<Record<string, string>>, values: TemplateValues): string {
  const keys = normalizedKeys(Object.entries(renames))
  return renameWith(relPath, (p) => {
    const value = keys.get(p)
    if (value === undefined) return undefined
    try {
      return renderTemplate(value, values, 'manifest.json')
    } catch (e) {
      if (!isSysbuildError(e)) throw e
      const key = Object.keys(renames).find((k) => normalizeHostPath(k) === p) ?? p
      throw new SysbuildError(e.code, `${e.message} (renameFiles[${JSON.stringify(key)}])`, {...e.hint, file: 'manifest.json'}, e)
    }
  })
}

/**
 * List a hostfs directory top-down (a directory before its contents, names sorted by
 * code unit), without following symlinks. The hostfs directory itself is not listed.
 */
export function walkHostfs(hostfsDir: string): HostfsEntry[] {
  const out: HostfsEntry[] = []
  const visit = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const source = join(dir, name)
      const path = `${rel}/${name}`
      const st = lstatSync(source)
      const kind: HostfsEntryKind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other'
      out.push({path, source, kind, mode: st.mode & 0o7777, ...(kind === 'symlink' ? {target: readlinkSync(source)} : {})})
      if (kind === 'dir') visit(source, path)
    }
  }
  visit(hostfsDir, '')
  return out
}

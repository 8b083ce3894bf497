/**
 * Paths of the base image a build deletes (`remove = [...]`, `--remove`): OCI whiteouts (`DIR/.wh.NAME`) in the first
 * layer the build adds. A whiteout hides only the layers below it, so that layer must not hold the path itself.
 * The directories above a whiteout get entries: the base's own (mode, owner, time, xattrs) when the caller read
 * them, else the walk's implied-parent default.
 */
import {posix} from 'node:path'
import {SysbuildError} from '../../core/index.js'
import type {TarEntry} from './tar-entry.js'
import type {WalkedEntry} from './tree-walk.js'

export interface Removal {
  /** Absolute, normalised path inside the image (see checkRemovePath). */
  readonly path: string
  /** Entries for the directories above the path, as the base image has them (any order; missing ones are implied). */
  readonly parents?: readonly TarEntry[]
  /** The base has no such path: the layer is still checked against it, but gets no whiteout. */
  readonly absent?: boolean
}

/**
 * A removal path as written by the user → the same path, or SYSBUILD_USAGE_INVALID_ARGUMENT: it must be absolute and
 * normalised (no `.`/`..` components, no `//`, no trailing `/`), not `/`, and not itself a whiteout name.
 */
export function checkRemovePath(p: string, where: string): string {
  const bad = (why: string): SysbuildError =>
    new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `${where}: cannot remove ${JSON.stringify(p)}: ${why}`, {
      suggestions: ['Name a path of the base image as it is inside the image, e.g. "/usr/share/doc"'],
    })
  if (!p.startsWith('/')) throw bad('the path must be absolute (start with /)')
  if (p === '/' || /^\/+$/.test(p)) throw bad('the image root cannot be removed (build from scratch instead)')
  if (p.includes('\0')) throw bad('the path contains a NUL byte')
  if (posix.normalize(p) !== p || p.endsWith('/') || p.split('/').some((c) => c === '.' || c === '..')) {
    throw bad(`the path is not normalised (write ${JSON.stringify(posix.normalize(p).replace(/(.)\/+$/, '$1'))})`)
  }
  if (posix.basename(p).startsWith('.wh.')) throw bad('names starting with .wh. are reserved for whiteouts')
  return p
}

/** Drop removals below another removal (its whiteout already hides them) and duplicates; sorted. */
export function outermostRemovals(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort()
  return sorted.filter((p) => !sorted.some((q) => q !== p && p.startsWith(`${q}/`)))
}

/**
 * Add the whiteouts of `removals` to a walked layer (`byName`, implied parents already added). Throws when the layer
 * itself holds a removed path (or something below it). Missing parents are left to the caller's implied-parent pass.
 */
export function addRemovals(byName: Map<string, WalkedEntry>, removals: readonly Removal[], epoch: number): void {
  for (const r of removals) {
    const name = r.path.slice(1)
    if (byName.has(name)) {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `cannot remove ${r.path}: the first layer this build adds also contains ${r.path} (a whiteout hides only the layers below it)`, {
        suggestions: [`Take ${name} out of that layer's source, or drop ${r.path} from remove`, 'To replace a directory of the base, add it in a later layer, or mark it opaque (overlay.opaque=y)'],
      })
    }
  }
  for (const r of removals) {
    if (r.absent) continue
    const name = r.path.slice(1)
    const cut = name.lastIndexOf('/')
    const wh = cut === -1 ? `.wh.${name}` : `${name.slice(0, cut)}/.wh.${name.slice(cut + 1)}`
    byName.set(wh, {name: wh, type: 'file', mode: 0, uid: 0, gid: 0, mtime: Math.max(0, epoch), size: 0, content: Buffer.alloc(0)})
    for (const p of r.parents ?? []) {
      if (p.type === 'directory' && !byName.has(p.name) && name.startsWith(`${p.name}/`)) byName.set(p.name, p)
    }
  }
}

/**
 * `/exports/hostfs` → host files (atomic-semantics.md §15): the plan (destinations after
 * renameFiles, templated files rendered, existing host files left alone), applying it
 * inside a transaction, and removing what an install wrote (only unmodified files, D14).
 */
import {lstatSync, readFileSync, readlinkSync, readdirSync, type Stats} from 'node:fs'
import {renderTemplate, type TemplateValues} from '../exports/template.js'
import {normalizeHostPath, renamePath, walkHostfs} from '../exports/hostfs.js'
import {sha256Hex, type Transaction} from './journal.js'
import {targetPath, type HostPaths} from './paths.js'
import type {Reporter} from './reporter.js'
import {createDir, createFile, createSymlink, removeAtCommit} from './tx-fs.js'

export type HostFileKind = 'file' | 'dir' | 'symlink'

export interface HostFileAction {
  /** Destination on the target host (after renames). */
  readonly path: string
  /** Path inside hostfs (before renames). */
  readonly from: string
  readonly kind: HostFileKind
  readonly mode: number
  /** File content (rendered when templated). */
  readonly data?: Buffer
  /** Symlink target. */
  readonly target?: string
  readonly templated: boolean
  /** sha256 hex of what is written ("0" for a directory). */
  readonly checksum: string
}

export interface HostFilesPlan {
  readonly actions: readonly HostFileAction[]
  /** Destinations that already exist as files: `File <path> already exists`, not tracked. */
  readonly existing: readonly string[]
  /** renameFiles after substitution. */
  readonly renamed: Readonly<Record<string, string>>
  readonly warnings: readonly string[]
}

export interface HostFilesInput {
  readonly hostfs: string | undefined
  readonly renameFiles: Readonly<Record<string, string>>
  readonly installedFilesTemplate: readonly string[]
  readonly values: TemplateValues
  readonly paths: HostPaths
  /** Destinations that will be removed first (unmodified files of the deployment being replaced). */
  readonly replaceable?: ReadonlySet<string>
}

const lstatMaybe = (p: string): Stats | undefined => {
  try {
    return lstatSync(p)
  } catch {
    return undefined
  }
}

export function planHostFiles(input: HostFilesInput): HostFilesPlan {
  const renamed: Record<string, string> = {}
  for (const [k, v] of Object.entries(input.renameFiles)) renamed[k] = renderTemplate(v, input.values, `manifest.json renameFiles[${JSON.stringify(k)}]`)
  if (!input.hostfs) return {actions: [], existing: [], renamed, warnings: []}
  const templates = new Set(input.installedFilesTemplate.map(normalizeHostPath))
  const actions: HostFileAction[] = []
  const existing: string[] = []
  const warnings: string[] = []
  const planned = new Set<string>()
  for (const e of walkHostfs(input.hostfs)) {
    const path = renamePath(e.path, renamed)
    const have = input.replaceable?.has(path) ? undefined : lstatMaybe(input.paths.real(path))
    if (have || planned.has(path)) {
      if (!have?.isDirectory() && !(planned.has(path) && e.kind === 'dir')) existing.push(path)
      continue
    }
    if (e.kind === 'other') {
      warnings.push(`exports/hostfs${e.path} is neither a file, a directory nor a symlink: not installed`)
      continue
    }
    if (e.kind === 'dir') {
      // A non-empty directory is implied by its children; only empty ones are created and tracked.
      if (readdirSync(e.source).length === 0) {
        actions.push({path, from: e.path, kind: 'dir', mode: e.mode, templated: false, checksum: '0'})
        planned.add(path)
      }
      continue
    }
    planned.add(path)
    if (e.kind === 'symlink') {
      actions.push({path, from: e.path, kind: 'symlink', mode: e.mode, target: e.target!, templated: false, checksum: sha256Hex(e.target!)})
      continue
    }
    const raw = readFileSync(e.source)
    const templated = templates.has(path)
    const data = templated ? Buffer.from(renderTemplate(raw.toString('utf8'), input.values, `exports/hostfs${e.path}`)) : raw
    actions.push({path, from: e.path, kind: 'file', mode: e.mode, data, templated, checksum: sha256Hex(data)})
  }
  return {actions, existing, renamed, warnings}
}

/** Tracked host files that still have the content an install wrote (they may be removed or replaced). */
export function unchangedHostFiles(checksums: Readonly<Record<string, string>>, paths: HostPaths): Set<string> {
  const out = new Set<string>()
  for (const [path, sum] of Object.entries(checksums)) {
    const real = paths.real(path)
    const st = lstatMaybe(real)
    if (!st || st.isDirectory()) continue
    const now = st.isSymbolicLink() ? sha256Hex(readlinkSync(real)) : sha256Hex(readFileSync(real))
    if (now === sum) out.add(path)
  }
  return out
}

export interface AppliedHostFiles {
  readonly checksums: Record<string, string>
  /** Directories created on the host for these files (D14: removed again when empty). */
  readonly createdDirs: string[]
}

/** Write the planned host files. Target paths are recorded; real paths are written. */
export async function applyHostFiles(t: Transaction, plan: HostFilesPlan, paths: HostPaths): Promise<AppliedHostFiles> {
  const checksums: Record<string, string> = {}
  const createdDirs: string[] = []
  for (const a of plan.actions) {
    const real = paths.real(a.path)
    const made =
      a.kind === 'dir' ? await createDir(t, real, a.mode) : a.kind === 'symlink' ? await createSymlink(t, real, a.target!) : await createFile(t, real, a.data!, a.mode)
    createdDirs.push(...made.map((d) => targetPath(paths, d)))
    checksums[a.path] = a.checksum
  }
  return {checksums, createdDirs}
}

/**
 * Remove host files an install wrote: unchanged ones go (at commit), modified ones stay
 * with atomic's message, missing ones are skipped quietly; directories sysbuild created
 * go when empty. Returns the paths kept.
 */
export async function removeHostFiles(
  t: Transaction,
  checksums: Readonly<Record<string, string>>,
  createdDirs: readonly string[],
  paths: HostPaths,
  reporter: Reporter,
): Promise<string[]> {
  const kept: string[] = []
  const removedDirs = new Set<string>()
  for (const [path, sum] of Object.entries(checksums)) {
    const real = paths.real(path)
    const st = lstatMaybe(real)
    if (!st) continue
    if (st.isDirectory()) {
      if (sum === '0' && readdirSync(real).length === 0) {
        await removeAtCommit(t, real)
        removedDirs.add(real)
      }
      continue
    }
    const now = st.isSymbolicLink() ? sha256Hex(readlinkSync(real)) : sha256Hex(readFileSync(real))
    if (now === sum) await removeAtCommit(t, real)
    else {
      reporter.line(`Will not delete ${path} as it was manually modified.`)
      kept.push(path)
    }
  }
  // Deepest first; a directory goes only when nothing but removed entries remain in it.
  for (const dir of [...createdDirs].sort((a, b) => b.length - a.length)) {
    const real = paths.real(dir)
    const st = lstatMaybe(real)
    if (!st?.isDirectory()) continue
    const left = readdirSync(real).filter((n) => !n.startsWith('.sysbuild-removed-'))
    if (left.length === 0) await removeAtCommit(t, real)
  }
  return kept
}

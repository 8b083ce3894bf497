/**
 * What `systemd-tmpfiles --create` will make that does not exist yet. Directories are
 * undone if the operation fails (`--remove` keeps `d` directories: they hold state);
 * symlinks from `L` lines are remembered in the info file so that they go with the
 * deployment (`--remove` never removes them), unless someone changed them meanwhile.
 */
import {readlinkSync} from 'node:fs'
import {dirname} from 'node:path'
import {parseTmpfiles} from '../exports/tmpfiles.js'
import {present} from './fs-util.js'
import {sha256Hex, type Transaction} from './journal.js'
import type {HostPaths} from './paths.js'
import type {Reporter} from './reporter.js'
import {removeAtCommit} from './tx-fs.js'

const DIRECTORY_TYPES = new Set(['d', 'D', 'v', 'q', 'Q'])

/**
 * Record undo records for every directory and symlink the conf would create (missing
 * ancestors included). Returns the symlinks (target path → link target) it will create.
 */
export async function recordTmpfilesCreations(t: Transaction, conf: string, paths: HostPaths): Promise<TmpfilesCreations> {
  const missing: string[] = []
  const linkParents: string[] = []
  const links: Record<string, string> = {}
  for (const e of parseTmpfiles(conf).entries) {
    if (!e.path.startsWith('/')) continue
    if (e.type === 'L' && e.argument !== undefined && !present(paths.real(e.path))) links[e.path] = e.argument
    if (!DIRECTORY_TYPES.has(e.type) && e.type !== 'L') continue
    const chain: string[] = []
    for (let p = DIRECTORY_TYPES.has(e.type) ? e.path : dirname(e.path); p !== '/' && !present(paths.real(p)); p = dirname(p)) chain.unshift(p)
    for (const p of chain) if (!missing.includes(p)) missing.push(p)
    if (e.type === 'L') for (const p of chain) if (!linkParents.includes(p)) linkParents.push(p)
  }
  for (const p of missing) await t.willUndo({op: 'rmdir', path: paths.real(p)})
  for (const [path, target] of Object.entries(links)) await t.willUndo({op: 'unlink', path: paths.real(path), sha256: sha256Hex(target)})
  return {links, linkParents}
}

export interface TmpfilesCreations {
  /** Symlinks from L lines that do not exist yet: path → target. */
  readonly links: Record<string, string>
  /** Directories made only to hold those links (they go with the links, when empty). */
  readonly linkParents: string[]
}

/** Remove (at commit) the tmpfiles symlinks a deployment created, when they still point where they did. */
export async function removeTmpfilesLinks(t: Transaction, links: Readonly<Record<string, string>>, paths: HostPaths, reporter: Reporter): Promise<void> {
  for (const [path, target] of Object.entries(links)) {
    let now: string | undefined
    try {
      now = readlinkSync(paths.real(path))
    } catch {
      now = undefined
    }
    if (now === undefined) continue
    if (now === target) await removeAtCommit(t, paths.real(path))
    else reporter.line(`Will not delete ${path} as it was manually modified.`)
  }
}

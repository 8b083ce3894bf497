/**
 * What `systemd-tmpfiles --create` will make that does not exist yet, so that undoing an
 * install removes it again (`--remove` keeps `d` directories, by design: they hold state).
 */
import {dirname} from 'node:path'
import {parseTmpfiles} from '../exports/index.js'
import {present} from './fs-util.js'
import type {Transaction} from './journal.js'
import type {HostPaths} from './paths.js'

const DIRECTORY_TYPES = new Set(['d', 'D', 'v', 'q', 'Q'])

/** Record an rmdir undo for every directory the conf would create (missing ancestors included). */
export async function recordTmpfilesDirs(t: Transaction, conf: string, paths: HostPaths): Promise<void> {
  const missing: string[] = []
  for (const e of parseTmpfiles(conf).entries) {
    if (!DIRECTORY_TYPES.has(e.type) || !e.path.startsWith('/')) continue
    const chain: string[] = []
    for (let p = e.path; p !== '/' && !present(paths.real(p)); p = dirname(p)) chain.unshift(p)
    for (const p of chain) if (!missing.includes(p)) missing.push(p)
  }
  for (const p of missing) await t.willUndo({op: 'rmdir', path: paths.real(p)})
}

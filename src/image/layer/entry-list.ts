/** Completing a walk's entries: parents of the destinations, removals, the order, hard links. */
import {sortEntries} from './entry-order.js'
import {addRemovals} from './removals.js'
import type {WalkedEntry, WalkOptions} from './tree-walk.js'

/** Parents of the destinations, removals, order and hard links (again after xattrs: every step is idempotent). */
export function finishEntries(byName: Map<string, WalkedEntry>, roots: readonly string[], inOrder: boolean, opts: WalkOptions): WalkedEntry[] {
  // A walk sets every directory before its contents: only the destinations' own parents can be missing.
  addParents(byName, roots, opts.epoch)
  if (opts.removals?.length) {
    addRemovals(byName, opts.removals, opts.epoch)
    addParents(byName, byName.keys(), opts.epoch)
    inOrder = false
  }
  const all = [...byName.values()]
  return resolveHardLinks(inOrder ? all : sortEntries(all))
}

/** Directories implied by the entries `names` get 0755 root:root and the epoch. */
function addParents(byName: Map<string, WalkedEntry>, names: Iterable<string>, epoch: number): void {
  for (const name of [...names]) {
    // Upwards until a parent exists: an existing entry's own parents are seen when that entry's turn comes.
    for (let p = name, cut = p.lastIndexOf('/'); cut > 0; cut = p.lastIndexOf('/')) {
      p = p.slice(0, cut)
      if (byName.has(p)) break
      byName.set(p, {name: p, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: Math.max(0, epoch), size: 0})
    }
  }
}

/** Second and later paths of a multiply-linked inode become hard-link entries to the first. */
function resolveHardLinks(entries: WalkedEntry[]): WalkedEntry[] {
  const first = new Map<string, string>()
  return entries.map((e) => {
    if (e.type !== 'file' || !e.inode || (e.nlink ?? 1) < 2) return e
    const target = first.get(e.inode)
    if (target === undefined) {
      first.set(e.inode, e.name)
      return e
    }
    const {source: _s, ...rest} = e
    return {...rest, type: 'link', size: 0, linkname: target}
  })
}

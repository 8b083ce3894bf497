/**
 * File-system changes made inside a Transaction (journal.ts): each records its undo
 * before it acts. Deletions move the victim aside in its own directory (same
 * filesystem, so a rename) and remove it at commit.
 */
import {chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, symlinkSync, writeSync} from 'node:fs'
import {writeFileAtomic} from '../core/index.js'
import {basename, dirname, join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {sha256Hex, type Transaction} from './journal.js'

const exists = (p: string): boolean => {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

/** Create missing parents of `path`; returns the directories created (outermost first). */
export async function makeParents(t: Transaction, path: string): Promise<string[]> {
  const missing: string[] = []
  for (let d = dirname(path); !exists(d); d = dirname(d)) missing.unshift(d)
  for (const d of missing) {
    await t.willUndo({op: 'rmdir', path: d})
    mkdirSync(d, {mode: 0o755})
  }
  return missing
}

/** Create a new file (never overwrites: an existing file is an error). */
export async function createFile(t: Transaction, path: string, data: string | Uint8Array, mode = 0o644): Promise<string[]> {
  const created = await makeParents(t, path)
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  await t.willUndo({op: 'unlink', path, sha256: sha256Hex(bytes)})
  const fd = openSync(path, 'wx', mode)
  try {
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  chmodSync(path, mode)
  return created
}

export async function createSymlink(t: Transaction, path: string, target: string): Promise<string[]> {
  const created = await makeParents(t, path)
  await t.willUndo({op: 'unlink', path, sha256: sha256Hex(target)})
  symlinkSync(target, path)
  return created
}

export async function createDir(t: Transaction, path: string, mode = 0o755): Promise<string[]> {
  const created = await makeParents(t, path)
  await t.willUndo({op: 'rmdir', path})
  mkdirSync(path, {mode})
  chmodSync(path, mode)
  return created
}

/** Move a staged directory (or file) into its final place. */
export async function moveIntoPlace(t: Transaction, from: string, to: string): Promise<void> {
  await makeParents(t, to)
  await t.willUndo({op: 'rename', from: to, to: from})
  renameSync(from, to)
}

/** Remove `path` at commit; until then it waits beside itself under a hidden name. */
export async function removeAtCommit(t: Transaction, path: string): Promise<void> {
  if (!exists(path)) return
  const aside = join(dirname(path), `.sysbuild-removed-${randomBytes(4).toString('hex')}-${basename(path)}`)
  await t.willUndo({op: 'rename', from: aside, to: path})
  renameSync(path, aside)
  await t.atCommit({op: 'rmtree', path: aside})
}

/** Point the symlink `link` at `target` (atomically replacing it); undo restores the old target. */
export async function pointLink(t: Transaction, link: string, target: string): Promise<void> {
  let previous: string | null = null
  try {
    previous = readlinkSync(link)
  } catch {
    previous = null
  }
  await t.willUndo({op: 'symlink', path: link, target: previous})
  const tmp = join(dirname(link), `.${basename(link)}.tmp-${randomBytes(4).toString('hex')}`)
  symlinkSync(target, tmp)
  renameSync(tmp, link)
}

/** Replace a small text file; undo writes the old content back (or removes a new file). */
export async function rewriteFile(t: Transaction, path: string, data: string): Promise<void> {
  let old: string | undefined
  try {
    old = readFileSync(path, 'utf8')
  } catch {
    old = undefined
  }
  await t.willUndo(old === undefined ? {op: 'unlink', path, sha256: sha256Hex(data)} : {op: 'restore', path, content: old})
  await writeFileAtomic(path, data)
}

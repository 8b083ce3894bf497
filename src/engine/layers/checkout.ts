/**
 * Assemble a rootfs from extracted layers (lowest first), the way overlay stacking
 * defines it: whiteouts (`.wh.NAME`) delete what lower layers put there, an opaque
 * marker (`.wh..wh..opq`) hides a directory's lower contents, a directory replaces a
 * non-directory and vice versa. A directory a layer has no entry for (extraction marks it
 * with IMPLICIT_DIR_MARKER) keeps the metadata the lower layers gave it, and creates
 * nothing when all it holds are whiteouts. Files are hard-linked from the layer cache (no file
 * data is copied); when linking is impossible (another filesystem, link limit) they
 * are copied with their metadata. Nothing is ever followed through a symlink. Extended attributes: a linked file
 * shares its inode (and attributes) with the cache; directories, which are made anew, and copies get those of their
 * layer's entry (the layer's XATTRS_RECORD) from one setfattr at the end, none when there are none to set.
 */
import {
  chmodSync, copyFileSync, existsSync, linkSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, rmSync,
  symlinkSync, utimesSync, type Stats,
} from 'node:fs'
import {join} from 'node:path'
import {execFileSync} from 'node:child_process'
import {readXattrRecord, XattrBatch, type Xattrs} from './apply-xattrs.js'
import {IMPLICIT_DIR_MARKER, OPAQUE_MARKER, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX} from './tar-path.js'

export interface CheckoutOptions {
  /** Never hard-link; copy every file (used when the cache is on another filesystem). */
  readonly copy?: boolean
  /** Apply ownership on copies and directories (default: whether this process is root). */
  readonly asRoot?: boolean
}

export interface CheckoutStats {
  linked: number
  copied: number
  dirs: number
  whiteouts: number
}

const LINK_FALLBACK = new Set(['EXDEV', 'EMLINK', 'EPERM', 'EACCES'])

const lstatMaybe = (p: string): Stats | undefined => {
  try {
    return lstatSync(p)
  } catch {
    return undefined
  }
}

/** Build `dest` (created if missing) from `layerDirs`, lowest layer first. */
export function checkoutLayers(layerDirs: readonly string[], dest: string, opts: CheckoutOptions = {}): CheckoutStats {
  const asRoot = opts.asRoot ?? process.getuid?.() === 0
  const stats: CheckoutStats = {linked: 0, copied: 0, dirs: 0, whiteouts: 0}
  let copyMode = opts.copy ?? false
  /** Final metadata of each directory: the highest layer that has it wins. */
  const dirMeta = new Map<string, Stats>()
  /** Copy mode: the first copy of each multiply-linked file of the current layer, so its other names link to it. */
  const copies = new Map<string, string>()
  /** Attributes to set on what the checkout made itself (by path relative to dest), and the current layer's. */
  const xattrs = new XattrBatch(`the checkout at ${dest}`, asRoot)
  let record: Map<string, Xattrs> | undefined
  let layerShown = ''
  mkdirSync(dest, {recursive: true, mode: 0o755})

  const placeFile = (src: string, dst: string, st: Stats, rel: string): void => {
    if (!copyMode) {
      try {
        linkSync(src, dst)
        stats.linked++
        return
      } catch (e) {
        if (!LINK_FALLBACK.has((e as NodeJS.ErrnoException).code ?? '')) throw e
        copyMode = true
      }
    }
    const inode = st.isFile() && st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined
    const first = inode === undefined ? undefined : copies.get(inode)
    if (first !== undefined) linkSync(first, dst)
    else copyEntry(src, dst, st, asRoot)
    if (inode !== undefined && first === undefined) copies.set(inode, dst)
    xattrs.set(rel, record?.get(rel), rel, layerShown)
    stats.copied++
  }

  /** Remove what a lower layer put at `path`, and forget the metadata of directories below it. */
  const remove = (path: string, rel: string, known?: Stats): void => {
    const st = known ?? lstatMaybe(path)
    if (!st) return
    rmSync(path, {recursive: true, force: true})
    xattrs.forget(rel)
    if (st.isDirectory()) for (const d of dirMeta.keys()) if (d === path || d.startsWith(`${path}/`)) dirMeta.delete(d)
  }

  const mergeDir = (layerDir: string, destDir: string, relDir: string): void => {
    const relOf = (name: string): string => (relDir ? `${relDir}/${name}` : name)
    const names = readdirSync(layerDir)
    if (names.includes(OPAQUE_MARKER)) {
      for (const old of readdirSync(destDir)) remove(join(destDir, old), relOf(old))
      stats.whiteouts++
    }
    for (const name of names) {
      if (name.startsWith(WHITEOUT_META_PREFIX) || !name.startsWith(WHITEOUT_PREFIX)) continue
      const hidden = name.slice(WHITEOUT_PREFIX.length)
      if (hidden && hidden !== '.' && hidden !== '..' && !hidden.includes('/')) remove(join(destDir, hidden), relOf(hidden))
      stats.whiteouts++
    }
    for (const name of names) {
      if (name.startsWith(WHITEOUT_PREFIX)) continue
      const src = join(layerDir, name)
      const dst = join(destDir, name)
      const rel = relOf(name)
      const st = lstatSync(src)
      const have = lstatMaybe(dst)
      if (st.isDirectory()) {
        const implicit = existsSync(join(src, IMPLICIT_DIR_MARKER))
        const isDir = have?.isDirectory() ?? false
        // Only whiteouts below, and no directory of a lower layer for them to act on: nothing to do.
        if (implicit && !isDir && !placesAnything(src)) continue
        if (have && !isDir) remove(dst, rel, have)
        if (!isDir) {
          mkdirSync(dst, {mode: 0o700})
          stats.dirs++
        }
        if (!implicit || !isDir) {
          dirMeta.set(dst, st)
          xattrs.set(rel, implicit ? undefined : record?.get(rel), rel, layerShown)
        }
        mergeDir(src, dst, rel)
      } else {
        if (have) remove(dst, rel, have)
        placeFile(src, dst, st, rel)
      }
    }
  }

  for (const layer of layerDirs) {
    copies.clear()
    record = readXattrRecord(layer)
    layerShown = `layer ${layer}`
    mergeDir(layer, dest, '')
  }
  for (const [dir, st] of [...dirMeta].sort((a, b) => b[0].length - a[0].length)) {
    if (asRoot) lchownSync(dir, st.uid, st.gid)
    chmodSync(dir, st.mode & 0o7777)
    utimesSync(dir, st.atime, st.mtime)
  }
  // After ownership (chown drops file capabilities); setting attributes leaves mtimes alone.
  xattrs.apply(dest)
  return stats
}

/** Whether a layer directory holds anything besides whiteouts (in it or in any directory below). */
function placesAnything(layerDir: string): boolean {
  for (const entry of readdirSync(layerDir, {withFileTypes: true})) {
    if (entry.name.startsWith(WHITEOUT_PREFIX)) continue
    const implicit = entry.isDirectory() && existsSync(join(layerDir, entry.name, IMPLICIT_DIR_MARKER))
    if (!implicit || placesAnything(join(layerDir, entry.name))) return true
  }
  return false
}

/** Copy one non-directory with mode, owner and times. */
function copyEntry(src: string, dst: string, st: Stats, asRoot: boolean): void {
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dst)
    if (asRoot) lchownSync(dst, st.uid, st.gid)
    lutimesSync(dst, st.atime, st.mtime)
    return
  }
  if (!st.isFile()) {
    // Device nodes and FIFOs: GNU cp recreates them with their metadata.
    execFileSync('cp', ['-a', '--', src, dst])
    return
  }
  copyFileSync(src, dst)
  if (asRoot) lchownSync(dst, st.uid, st.gid)
  chmodSync(dst, st.mode & 0o7777)
  utimesSync(dst, st.atime, st.mtime)
}

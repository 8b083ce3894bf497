/**
 * Turn host directories and files into the sorted, fully decided entry list of one layer.
 *
 * Order: entry-order.ts. Each directory's names are visited in that order, so a single tree at the image root
 * comes out sorted as it is walked; anything else is sorted afterwards.
 */
import {lstatSync, readdirSync, readlinkSync, statSync, type BigIntStats} from 'node:fs'
import {posix} from 'node:path'
import {SysbuildError} from '../../core/index.js'
import type {Removal} from './removals.js'
import type {TarEntry} from './tar-entry.js'
import {applyXattrs, startXattrRead} from './xattrs.js'
import {finishEntries} from './entry-list.js'
import {sortNames} from './entry-order.js'

export interface LayerSource {
  /** Host path. A directory contributes its contents; a file or symlink itself. A symlink given here is followed. */
  readonly source: string
  /** Absolute path inside the image: '/' for a rootfs, '/exports' for the exports dir, a file path for a copy. */
  readonly destination: string
  /** Mode for regular files (a copy's `mode`); default: the host mode. */
  readonly fileMode?: number
  /** Owner of every entry; default: the host owner, with the invoking non-root user mapped to 0:0. */
  readonly owner?: {readonly uid: number; readonly gid: number}
  /** How the source is named in messages (default: the path). */
  readonly shown?: string
}

export interface WalkOptions {
  /** SOURCE_DATE_EPOCH (seconds): every mtime is clamped to it; synthesized directories get it. */
  readonly epoch: number
  /** Carry character and block devices instead of refusing them. */
  readonly devices?: boolean
  /** Read extended attributes with this getfattr (see decideXattrs); without it, entries carry none. */
  readonly getfattr?: string
  /** Base-image paths this layer deletes (whiteouts; see removals.ts). */
  readonly removals?: readonly Removal[]
  /**
   * With getfattr and one source: called first with the entries as they are without xattrs, every entry then
   * carrying an identity (non-files: dev:ino:ctime), and `top`, the same for the source itself (at the image root
   * it is no entry, but its xattrs count: an opaque top hides the whole base). Resolving true means the caller has
   * what it needs (the layer cache knew these exact inodes and times, and setting or removing an xattr moves an
   * inode's ctime): getfattr never runs and those entries are returned. Otherwise the xattrs are read after the walk.
   */
  readonly beforeXattrs?: (entries: readonly WalkedEntry[], top: string) => Promise<boolean>
}

/** A layer entry plus what identifies its content on this host (for the layer cache). */
export interface WalkedEntry extends TarEntry {
  /**
   * dev:ino:size:mtime:ctime (ns) of a host file (what identifies its content); dev:ino:ctime of any other entry
   * when the walk was asked for every ctime (WalkOptions.beforeXattrs; the layer cache counts those only then).
   */
  readonly identity?: string
  readonly inode?: string
  readonly nlink?: number
}

const S_IFMT = 0o170000
const FT = {sock: 0o140000, lnk: 0o120000, reg: 0o100000, blk: 0o060000, dir: 0o040000, chr: 0o020000, fifo: 0o010000}

/** Walk every source (later sources win on equal paths) and return the sorted entries with hard links resolved. */
export async function collectEntries(sources: readonly LayerSource[], opts: WalkOptions): Promise<WalkedEntry[]> {
  const byName = new Map<string, WalkedEntry>()
  const roots: string[] = []
  const tops: string[] = []
  let inOrder = false
  const myUid = process.getuid?.() ?? 0
  const myGid = process.getgid?.() ?? 0
  // Deferred: one source whose caller may find its layer without xattrs (see WalkOptions.beforeXattrs).
  const deferred = Boolean(opts.getfattr && opts.beforeXattrs && sources.length === 1)
  // Otherwise one getfattr per source, all started before the (synchronous) walks, each running alongside them.
  const reads = opts.getfattr && !deferred ? sources.map((s) => startXattrRead(opts.getfattr!, s.source, s.shown ?? s.source)) : []
  try {
    for (const [i, src] of sources.entries()) {
      const shown = src.shown ?? src.source
      const dest = normalizeDestination(src.destination)
      let top: BigIntStats
      try {
        top = statSync(src.source, {bigint: true})
      } catch (e) {
        throw fileError(e as NodeJS.ErrnoException, shown)
      }
      const ctx: WalkCtx = {src, shown, opts, myUid, myGid, out: byName, inOrder: true, everyCtime: deferred}
      roots.push(dest)
      if (deferred) tops.push(inodeTime(ctx, top).identity!)
      if ((Number(top.mode) & S_IFMT) === FT.dir) {
        if (dest !== '') byName.set(dest, entryOf(ctx, dest, src.source, shown, top, undefined))
        walkDir(ctx, src.source, shown, dest)
      } else {
        if (dest === '') throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `${shown} is a file and cannot be the image root`)
        byName.set(dest, entryOf(ctx, dest, src.source, shown, top, undefined))
      }
      // Before the next source: a later source's entry at the same path replaces this one, attributes and all.
      const before = byName.size
      if (reads[i]) applyXattrs(byName, await reads[i]!.result, dest, shown)
      // The walk visits each directory's names in order, so one source at the image root comes out sorted, unless
      // something was added out of turn (a whiteout made from a 0/0 device, an opaque marker from an xattr).
      inOrder = sources.length === 1 && dest === '' && ctx.inOrder && byName.size === before
    }
  } catch (e) {
    for (const r of reads) r.cancel()
    throw e
  }
  if (!deferred) return finishEntries(byName, roots, inOrder, opts)
  const plain = finishEntries(byName, roots, inOrder, opts)
  if (await opts.beforeXattrs!(plain, tops.join(' '))) return plain
  const src = sources[0]!
  const before = byName.size
  applyXattrs(byName, await startXattrRead(opts.getfattr!, src.source, src.shown ?? src.source).result, roots[0]!, src.shown ?? src.source)
  return finishEntries(byName, roots, inOrder && byName.size === before, opts)
}

interface WalkCtx {
  readonly src: LayerSource
  readonly shown: string
  readonly opts: WalkOptions
  readonly myUid: number
  readonly myGid: number
  readonly out: Map<string, WalkedEntry>
  /** Whether every entry so far was added in sorted order (see collectEntries). */
  inOrder: boolean
  /** Give every entry an identity (non-files: their ctime; see WalkOptions.beforeXattrs). */
  readonly everyCtime: boolean
}

/**
 * Synchronous on purpose: an lstat from the thread pool costs several times a direct one, and a rebuild walks
 * the whole tree just to find that nothing changed. Nothing else runs while a layer's entries are collected.
 * Paths are joined by concatenation (the walk builds them from clean parts; path.join re-normalises each one) and
 * names are read as strings: only a directory whose names decode with U+FFFD is read again as bytes to check.
 */
function walkDir(ctx: WalkCtx, dir: string, shown: string, dest: string): void {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (e) {
    throw fileError(e as NodeJS.ErrnoException, shown)
  }
  if (names.some((n) => n.includes('\uFFFD'))) checkUtf8Names(dir, shown)
  sortNames(names)
  for (const n of names) {
    const path = dir.endsWith('/') ? dir + n : `${dir}/${n}`
    let st: BigIntStats
    try {
      st = lstatSync(path, {bigint: true})
    } catch (e) {
      throw fileError(e as NodeJS.ErrnoException, `${shown}/${n}`)
    }
    const name = dest ? `${dest}/${n}` : n
    const type = Number(st.mode) & S_IFMT
    if (type === FT.chr && st.rdev === 0n) {
      // overlayfs whiteout (0/0 character device) → OCI whiteout file.
      const wh = dest ? `${dest}/.wh.${n}` : `.wh.${n}`
      ctx.inOrder = false
      ctx.out.set(wh, {name: wh, type: 'file', mode: 0, uid: 0, gid: 0, mtime: clamp(st, ctx.opts.epoch), size: 0, content: Buffer.alloc(0)})
      continue
    }
    let linkTarget: string | undefined
    if (type === FT.lnk) {
      try {
        linkTarget = readlinkSync(path)
      } catch (e) {
        throw fileError(e as NodeJS.ErrnoException, `${shown}/${n}`)
      }
    }
    ctx.out.set(name, entryOf(ctx, name, path, `${shown}/${n}`, st, linkTarget))
    // The order is fixed later by sorting, never by the walk.
    if (type === FT.dir) walkDir(ctx, path, `${shown}/${n}`, name)
  }
}

/** Refuse a name that is not valid UTF-8 (layer paths are written as UTF-8). */
function checkUtf8Names(dir: string, shown: string): void {
  for (const b of readdirSync(dir, {encoding: 'buffer'})) {
    const n = b.toString('utf8')
    if (!Buffer.from(n, 'utf8').equals(b)) {
      throw new SysbuildError('SYSBUILD_IMAGE_UNSUPPORTED_FILE', `${shown}/${n}: the file name is not valid UTF-8`, {
        suggestions: ['Rename the file: layer paths are written as UTF-8'],
      })
    }
  }
}

function entryOf(ctx: WalkCtx, name: string, path: string, shown: string, st: BigIntStats, linkTarget: string | undefined): WalkedEntry {
  const fmt = Number(st.mode) & S_IFMT
  const perm = Number(st.mode) & 0o7777
  const owner = ctx.src.owner ?? mapOwner(Number(st.uid), Number(st.gid), ctx.myUid, ctx.myGid)
  const {uid, gid} = owner
  const mtime = clamp(st, ctx.opts.epoch)
  // Entries are built literally (no spread of a common base): tens of thousands of them stay in memory.
  switch (fmt) {
    case FT.dir:
      return ctx.everyCtime
        ? {name, type: 'directory', mode: perm, uid, gid, mtime, size: 0, identity: inodeTime(ctx, st).identity}
        : {name, type: 'directory', mode: perm, uid, gid, mtime, size: 0}
    case FT.reg: {
      const mode = ctx.src.fileMode ?? perm
      const size = Number(st.size)
      // What identifies the content (only files have content beyond their header): the inode and its times; ctime
      // moves with every change of content, mode or owner, and no user can set it. join() makes one flat string: a
      // template literal keeps a tree of pieces alive, ~4x the memory per entry.
      const identity = [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':')
      return st.nlink > 1n
        ? {name, type: 'file', mode, uid, gid, mtime, size, source: path, identity, inode: `${st.dev}:${st.ino}`, nlink: Number(st.nlink)}
        : {name, type: 'file', mode, uid, gid, mtime, size, source: path, identity}
    }
    case FT.lnk:
      return ctx.everyCtime
        ? {name, type: 'symlink', mode: perm, uid, gid, mtime, size: 0, linkname: linkTarget ?? '', identity: inodeTime(ctx, st).identity}
        : {name, type: 'symlink', mode: perm, uid, gid, mtime, size: 0, linkname: linkTarget ?? ''}
    case FT.fifo:
      return {name, type: 'fifo', mode: perm, uid, gid, mtime, size: 0, ...inodeTime(ctx, st)}
    case FT.chr:
    case FT.blk: {
      const kind = fmt === FT.chr ? 'character' : 'block'
      if (!ctx.opts.devices) {
        throw new SysbuildError('SYSBUILD_IMAGE_UNSUPPORTED_FILE', `${shown} is a ${kind} device; device nodes are not put in layers`, {
          suggestions: ['Remove it: runtimes create /dev themselves', 'Or build with --devices to carry device nodes'],
        })
      }
      const r = st.rdev
      const devmajor = Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn))
      const devminor = Number((r & 0xffn) | ((r >> 12n) & ~0xffn & 0xffffffffn))
      return {name, type: fmt === FT.chr ? 'char' : 'block', mode: perm, uid, gid, mtime, size: 0, devmajor, devminor, ...inodeTime(ctx, st)}
    }
    case FT.sock:
      throw new SysbuildError('SYSBUILD_IMAGE_UNSUPPORTED_FILE', `${shown} is a socket; sockets cannot be stored in a layer`, {
        suggestions: ['Remove the socket from the tree (the process that owns it recreates it at run time)'],
      })
    default:
      throw new SysbuildError('SYSBUILD_IMAGE_UNSUPPORTED_FILE', `${shown} has an unknown file type (mode ${Number(st.mode).toString(8)})`)
  }
}

/** dev:ino:ctime of a non-file entry, when the walk was asked for every ctime (WalkOptions.beforeXattrs). */
const inodeTime = (ctx: WalkCtx, st: BigIntStats): {identity?: string} =>
  ctx.everyCtime ? {identity: [st.dev, st.ino, st.ctimeNs].join(':')} : {}

/** Files of the invoking (non-root) user belong to root in the image, as in a rootless build. */
function mapOwner(uid: number, gid: number, myUid: number, myGid: number): {uid: number; gid: number} {
  if (myUid === 0) return {uid, gid}
  return {uid: uid === myUid ? 0 : uid, gid: gid === myGid ? 0 : gid}
}

const clamp = (st: BigIntStats, epoch: number): number => {
  const secs = Number(st.mtimeNs / 1_000_000_000n)
  return Math.max(0, Math.min(secs, epoch))
}

function normalizeDestination(d: string): string {
  if (!d.startsWith('/')) throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `destination ${JSON.stringify(d)} must be an absolute path inside the image`)
  if (d.includes('\0')) throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `destination ${JSON.stringify(d)} holds a NUL character, which no path can`)
  const n = posix.normalize(d).replace(/^\/+/, '').replace(/\/+$/, '')
  if (n.split('/').includes('..')) throw new SysbuildError('SYSBUILD_IMAGE_HOSTILE_PATH', `destination ${JSON.stringify(d)} leaves the image root`)
  return n === '.' ? '' : n
}



function fileError(e: NodeJS.ErrnoException, shown: string): SysbuildError {
  if (e.code === 'ENOENT') return new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `${shown}: no such file or directory`, {}, e)
  if (e.code === 'ELOOP') return new SysbuildError('SYSBUILD_IMAGE_UNSUPPORTED_FILE', `${shown}: too many levels of symbolic links (a symlink loop)`, {}, e)
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: permission denied`, {suggestions: ['Build as a user who can read every file of the tree (usually root)']}, e)
  }
  return new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: ${e.message}`, {}, e)
}
export {fileError as walkFileError}

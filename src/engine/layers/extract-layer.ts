/**
 * Safe extraction of one layer (an uncompressed tar stream) into an empty directory.
 *
 * Every entry lands inside the directory: names are checked (tar-path.ts), parent
 * directories are created as real directories and never followed through a symlink,
 * hard links must point at a file already extracted from this layer, device nodes
 * need root. Whiteout entries (`.wh.*`) are kept as empty files: assembling a rootfs
 * (checkout.ts) applies them. A directory made only because an entry lies below it (the
 * layer has no entry of its own for it) is marked with IMPLICIT_DIR_MARKER, so that
 * checkout keeps the lower layers' metadata for it. Ownership is applied when running as root; extended
 * attributes (PAX SCHILY.xattr records, read byte for byte by pax-xattrs.ts) are set by one setfattr once every
 * entry is written and owned (apply-xattrs.ts) and kept in XATTRS_RECORD for checkout; directory modes and times
 * are applied last, so read-only directories can still be filled.
 */
import {
  chmodSync, closeSync, linkSync, lchownSync, lstatSync, lutimesSync, mkdirSync, openSync, rmSync,
  symlinkSync, utimesSync, writeFileSync, writeSync, type Stats,
} from 'node:fs'
import {join} from 'node:path'
import {Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import * as tar from 'tar-stream'
import {execTool, SysbuildError} from '../../core/index.js'
import {appliedXattrs, writeXattrRecord, XattrBatch} from './apply-xattrs.js'
import {captureXattrs, entryXattrs} from './pax-xattrs.js'
import {entryComponents, hostile, IMPLICIT_DIR_MARKER, XATTRS_RECORD} from './tar-path.js'

export interface ExtractOptions {
  /** Shown in messages (the layer digest). */
  readonly layer: string
  /** Apply uid/gid and create device nodes (default: whether this process is root). */
  readonly asRoot?: boolean
  /**
   * Apply the entries' extended attributes (default true; needs setfattr when a layer carries any). `lint IMAGE`,
   * which reads only the text of /exports, passes false.
   */
  readonly xattrs?: boolean
}

export interface ExtractStats {
  files: number
  dirs: number
  symlinks: number
  hardlinks: number
  others: number
  bytes: number
  /** Entries whose extended attributes were set. */
  xattrs: number
}

interface DirMeta {
  readonly path: string
  readonly mode: number
  readonly mtime: Date
}

const lstatOrUndefined = (p: string): Stats | undefined => {
  try {
    return lstatSync(p)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/** Extract an uncompressed tar stream into `dest` (an existing, empty directory). */
export async function extractLayer(tarStream: Readable, dest: string, opts: ExtractOptions): Promise<ExtractStats> {
  const asRoot = opts.asRoot ?? process.getuid?.() === 0
  const stats: ExtractStats = {files: 0, dirs: 0, symlinks: 0, hardlinks: 0, others: 0, bytes: 0, xattrs: 0}
  const xattrs = new XattrBatch(`layer ${opts.layer}`, asRoot)
  const knownDirs = new Set<string>([''])
  const dirMeta = new Map<string, DirMeta>()
  /** Directories made for the entries below them, with no entry of their own (yet). */
  const implicitDirs = new Set<string>()
  const extract = tar.extract()
  if (opts.xattrs !== false) captureXattrs(extract)
  const feeding = pipeline(tarStream, padToBlock(), extract).catch((e: unknown) => {
    extract.destroy(e as Error)
    throw e
  })
  // Surface a feeding error even when the iterator finishes first.
  feeding.catch(() => {})

  /** `rel` is no longer a directory (a later entry of the layer replaced it): forget it and what was below. */
  const forget = (rel: string): void => {
    const under = (d: string): boolean => d === rel || d.startsWith(`${rel}/`)
    for (const d of knownDirs) if (under(d)) knownDirs.delete(d)
    for (const d of implicitDirs) if (under(d)) implicitDirs.delete(d)
    for (const d of dirMeta.keys()) if (under(d)) dirMeta.delete(d)
    xattrs.forget(rel)
  }
  /** Make sure every parent of `parts` is a real directory inside dest (creating missing ones). */
  const ensureParents = (parts: string[], name: string): void => {
    let rel = ''
    for (const part of parts.slice(0, -1)) {
      rel = rel ? `${rel}/${part}` : part
      if (knownDirs.has(rel)) continue
      const st = lstatOrUndefined(join(dest, rel))
      if (!st) {
        mkdirSync(join(dest, rel), {mode: 0o755})
        implicitDirs.add(rel)
      } else if (st.isSymbolicLink()) throw hostile(opts.layer, name, `would be written through the symlink ${rel}`)
      else if (!st.isDirectory()) throw hostile(opts.layer, name, `has a parent ${rel} that is not a directory`)
      knownDirs.add(rel)
    }
  }
  const clear = (path: string, keepDir: boolean): void => {
    const st = lstatOrUndefined(path)
    if (!st) return
    if (st.isDirectory() && keepDir) return
    rmSync(path, {recursive: true, force: true})
  }

  try {
    for await (const entry of extract) {
      const h = entry.header
      const parts = entryComponents(h.name, opts.layer)
      if (parts.length === 0 || parts.includes(IMPLICIT_DIR_MARKER) || parts.includes(XATTRS_RECORD)) {
        // The layer's root directory: only its metadata could matter, and the rootfs root keeps its own.
        // The implicit-directory marker and the xattr record are ours alone: a layer cannot declare one.
        entry.resume()
        continue
      }
      ensureParents(parts, h.name)
      const rel = parts.join('/')
      const path = join(dest, rel)
      const mode = h.mode & 0o7777
      const raw = opts.xattrs === false ? undefined : entryXattrs(h)
      const attrs = raw && appliedXattrs(raw, opts.layer, h.name)
      switch (h.type) {
        case 'directory': {
          clear(path, true)
          if (!lstatOrUndefined(path)) mkdirSync(path, {mode: 0o700})
          if (asRoot) lchownSync(path, h.uid, h.gid)
          dirMeta.set(rel, {path, mode, mtime: h.mtime})
          knownDirs.add(rel)
          implicitDirs.delete(rel)
          xattrs.set(rel, attrs, h.name)
          stats.dirs++
          entry.resume()
          break
        }
        case 'file':
        case 'contiguous-file': {
          clear(path, false)
          forget(rel)
          stats.bytes += await writeEntry(entry as AsyncIterable<Buffer>, path)
          finish(path, h, asRoot, mode)
          xattrs.set(rel, attrs, h.name)
          stats.files++
          break
        }
        case 'symlink': {
          clear(path, false)
          forget(rel)
          symlinkSync(h.linkname, path)
          if (asRoot) lchownSync(path, h.uid, h.gid)
          lutimesSync(path, h.mtime, h.mtime)
          xattrs.set(rel, attrs, h.name)
          stats.symlinks++
          entry.resume()
          break
        }
        case 'link': {
          const targetParts = entryComponents(h.linkname ?? '', opts.layer)
          const targetRel = targetParts.join('/')
          if (targetParts.length === 0 || targetRel === rel) throw hostile(opts.layer, h.name, `is a hard link to ${JSON.stringify(h.linkname)}`)
          checkInside(dest, targetParts, opts.layer, h.name)
          const target = lstatOrUndefined(join(dest, targetRel))
          if (!target || target.isDirectory()) {
            throw hostile(opts.layer, h.name, `is a hard link to ${JSON.stringify(h.linkname)}, which is not a file of this layer`)
          }
          clear(path, false)
          forget(rel)
          linkSync(join(dest, targetRel), path)
          xattrs.set(rel, attrs, h.name)
          stats.hardlinks++
          entry.resume()
          break
        }
        case 'character-device':
        case 'block-device':
        case 'fifo': {
          if (h.type !== 'fifo' && !asRoot) throw hostile(opts.layer, h.name, 'is a device node; only root may extract device nodes')
          clear(path, false)
          forget(rel)
          const kind = h.type === 'fifo' ? ['p'] : [h.type === 'block-device' ? 'b' : 'c', String(h.devmajor), String(h.devminor)]
          await execTool('mknod', ['-m', (mode & 0o777).toString(8), path, ...kind])
          finish(path, h, asRoot, mode)
          xattrs.set(rel, attrs, h.name)
          stats.others++
          entry.resume()
          break
        }
        default:
          entry.resume()
      }
    }
    await feeding
    // Every entry is written and owned (chown would drop a file capability); directory modes come after.
    xattrs.apply(dest)
    writeXattrRecord(dest, xattrs)
    stats.xattrs = xattrs.size
  } catch (e) {
    extract.destroy()
    tarStream.destroy()
    if (e instanceof SysbuildError) throw e
    const err = e as NodeJS.ErrnoException
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `Cannot extract layer ${opts.layer}: ${err.message}`, {}, e)
  }
  for (const rel of implicitDirs) writeFileSync(join(dest, rel, IMPLICIT_DIR_MARKER), '', {mode: 0o644})
  // Deepest directories first, so a parent's mtime is not changed by fixing its children.
  for (const meta of [...dirMeta.values()].sort((a, b) => b.path.length - a.path.length)) {
    chmodSync(meta.path, meta.mode)
    utimesSync(meta.path, meta.mtime, meta.mtime)
  }
  return stats
}

/**
 * umoci 0.4.7 ends a layer right after the last file's data, without the padding to the
 * 512-byte block (GNU tar calls that an unexpected EOF; umoci and Go read it). The bytes
 * are already verified against the diff id, so complete the block for the tar parser.
 */
export function padToBlock(): Transform {
  let n = 0
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length
      cb(null, chunk)
    },
    flush(cb) {
      const rest = n % 512
      cb(null, rest === 0 ? undefined : Buffer.alloc(512 - rest))
    },
  })
}

/** The parents of a hard-link target must be real directories inside dest (never a symlink). */
function checkInside(dest: string, parts: string[], layer: string, name: string): void {
  let rel = ''
  for (const part of parts.slice(0, -1)) {
    rel = rel ? `${rel}/${part}` : part
    const st = lstatOrUndefined(join(dest, rel))
    if (!st || !st.isDirectory() || st.isSymbolicLink()) throw hostile(layer, name, `is a hard link through ${rel}, which is not a directory of this layer`)
  }
}

function finish(path: string, h: tar.Header, asRoot: boolean, mode: number): void {
  // chown first: it clears set-id bits, chmod restores them.
  if (asRoot) lchownSync(path, h.uid ?? 0, h.gid ?? 0)
  chmodSync(path, mode)
  const t = h.mtime ?? new Date(0)
  utimesSync(path, t, t)
}

async function writeEntry(entry: AsyncIterable<Buffer>, path: string): Promise<number> {
  const fd = openSync(path, 'wx', 0o600)
  let n = 0
  try {
    for await (const chunk of entry) {
      let off = 0
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off)
      n += chunk.length
    }
  } finally {
    closeSync(fd)
  }
  return n
}

/** Wrap a buffer or iterable as a stream (tests, in-memory layers). */
export const streamOf = (data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Readable =>
  data instanceof Uint8Array ? Readable.from([data]) : Readable.from(data)

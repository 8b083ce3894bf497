/**
 * Extended attributes onto extracted files. Node has no setxattr, so Debian's setfattr (package `attr`) does it:
 * ONE `setfattr -h --restore=-` per batch (a layer's extraction, a checkout), run in the batch's root with paths
 * relative to it, fed getfattr's dump format (`# file: PATH`, then `NAME=0xHEX` lines, a blank line). `-h` matters:
 * without it --restore follows a symlink entry to its target (outside the root for `/etc/passwd`); it never stops
 * at a symlinked parent, so every parent is checked to be a real directory first. setfattr undoes every `\ooo`
 * escape in paths and names; getfattr escapes `\`, `\n`, `\r` (and `=` in names), this every byte up to and
 * including space, DEL, `\` and `=` (so no name can end a line or start a `# file:`); UTF-8 stays raw, as in getfattr.
 *
 * Run after the files are written and owned (chown drops security.capability) and before directory modes are
 * fixed. Without root, the owner needs write permission to set user.* (EACCES otherwise): a read-only entry is made
 * owner-writable until setfattr is done. Never applied: security.selinux (the target host labels its own files),
 * overlayfs bookkeeping (trusted./user.overlay.*: an OCI layer says opaque with `.wh..wh..opq`), and names outside
 * the user/trusted/security/system namespaces.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, lstatSync, readFileSync, writeFileSync, type Stats} from 'node:fs'
import {join} from 'node:path'
import {ExternalCommandError, findInPath, SysbuildError} from '../../core/index.js'
import {hostOnlyXattr} from '../../image/index.js'
import type {EntryXattrs} from './pax-xattrs.js'
import {XATTRS_RECORD} from './tar-path.js'

export type Xattrs = ReadonlyMap<string, Buffer>

/**
 * Not applied: the host label, overlayfs bookkeeping, and names outside Linux's namespaces (macOS's com.apple.*,
 * which bsdtar writes): no Linux filesystem holds them, and GNU tar and umoci go on without them too.
 */
const NOT_APPLIED = (name: string): boolean => hostOnlyXattr(name) || !/^(user|trusted|security|system)\./.test(name)
/** XATTR_NAME_MAX and XATTR_SIZE_MAX of Linux. */
const NAME_MAX = 255
const SIZE_MAX = 65536

const invalid = (layer: string, entry: string, why: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `Cannot extract layer ${layer}: entry ${JSON.stringify(entry)} ${why}`, {
    suggestions: ['Rebuild the image from a real filesystem (tar --xattrs, umoci, sysbuild build)'],
  })

/** The attributes of a layer entry that are applied; malformed names and oversized values are refused. */
export function appliedXattrs(raw: EntryXattrs, layer: string, entry: string): Xattrs | undefined {
  let out: Map<string, Buffer> | undefined
  for (const [name, value] of raw) {
    // A name is bytes up to NUL, at most 255 of them, with something after its namespace; U+FFFD: it was not UTF-8.
    if (!/^[^.\0]*\.[^\0]+$/.test(name) || name.includes('\ufffd') || Buffer.byteLength(name) > NAME_MAX) {
      throw invalid(layer, entry, `has an extended attribute named ${JSON.stringify(name)}, which Linux does not accept`)
    }
    if (value.length > SIZE_MAX) throw invalid(layer, entry, `has an extended attribute ${name} of ${value.length} bytes (Linux takes at most ${SIZE_MAX})`)
    if (!NOT_APPLIED(name)) (out ??= new Map()).set(name, value)
  }
  return out
}

/** One getfattr-dump token: bytes setfattr would misread (or strip) as `\ooo`, the rest raw. */
const escape = (s: string): string => {
  let out = ''
  for (const b of Buffer.from(s, 'utf8')) out += b <= 0x20 || b === 0x7f || b === 0x5c || b === 0x3d ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b)
  return out
}

/** The dump setfattr --restore reads, for entries relative to its working directory. */
export function xattrDump(entries: Iterable<readonly [string, Xattrs]>): Buffer {
  let out = ''
  for (const [rel, attrs] of entries) {
    out += `# file: ${escape(rel)}\n`
    for (const [name, value] of attrs) out += `${escape(name)}=0x${value.toString('hex')}\n`
    out += '\n'
  }
  return Buffer.from(out, 'latin1')
}

/** Attributes to set below one root, by path relative to it; applied by one setfattr. */
export class XattrBatch {
  private readonly byRel = new Map<string, Xattrs>()
  private setfattr?: string

  /** `shown` (`layer sha256:…`) and entry names appear in messages. */
  constructor(private readonly shown: string, private readonly asRoot: boolean) {}

  get size(): number {
    return this.byRel.size
  }

  entries(): IterableIterator<[string, Xattrs]> {
    return this.byRel.entries()
  }

  /** `rel` gets `attrs` (replacing what an earlier entry of that name had); fails early without setfattr. */
  set(rel: string, attrs: Xattrs | undefined, entry = rel, shown = this.shown): void {
    if (!attrs?.size) {
      this.byRel.delete(rel)
      return
    }
    this.setfattr ??= requireSetfattr(shown, entry, attrs)
    this.byRel.set(rel, attrs)
  }

  /** `rel` and what was below it are gone. */
  forget(rel: string): void {
    if (!this.byRel.size) return
    this.byRel.delete(rel)
    const below = `${rel}/`
    for (const k of this.byRel.keys()) if (k.startsWith(below)) this.byRel.delete(k)
  }

  /** Set everything (one setfattr; none when the batch is empty). */
  apply(root: string): void {
    if (!this.byRel.size) return
    const setfattr = this.setfattr ?? requireSetfattr(this.shown, this.byRel.keys().next().value!, this.byRel.values().next().value!)
    const restore: [string, number][] = []
    try {
      for (const rel of this.byRel.keys()) {
        const st = checkedEntry(root, rel, this.shown)
        if (!this.asRoot && !st.isSymbolicLink() && !(st.mode & 0o200)) {
          chmodSync(join(root, rel), (st.mode & 0o7777) | 0o200)
          restore.push([join(root, rel), st.mode & 0o7777])
        }
      }
      const args = ['-h', '--restore=-']
      const r = spawnSync(setfattr, args, {cwd: root, input: xattrDump(this.byRel), stdio: ['pipe', 'ignore', 'pipe'], maxBuffer: 1 << 20})
      if (r.error) {
        if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') throw missing(this.shown, this.byRel.keys().next().value!)
        throw r.error
      }
      const stderr = r.stderr.toString('utf8')
      if (r.status !== 0 || stderr.trim()) {
        const first = stderr.trim().split('\n').slice(0, 3).join('; ')
        throw new ExternalCommandError(setfattr, args, r.status, stderr,
          `setting the extended attributes of ${this.shown} failed (setfattr exit ${r.status ?? 'signal'})${first ? `: ${first}` : ''}; security.* and trusted.* need root, user.* a filesystem that supports them`)
      }
    } finally {
      for (const [p, mode] of restore) chmodSync(p, mode)
    }
  }
}

/** lstat of `rel` below `root`, refusing a parent that is not a real directory (setfattr would follow it). */
function checkedEntry(root: string, rel: string, shown: string): Stats {
  const refuse = (why: string): SysbuildError =>
    new SysbuildError('SYSBUILD_IMAGE_HOSTILE_PATH', `Refusing ${shown}: entry ${JSON.stringify(rel)} ${why}`)
  const parts = rel.split('/')
  for (let i = 1; i < parts.length; i++) {
    const st = lstatSync(join(root, ...parts.slice(0, i)), {throwIfNoEntry: false})
    if (!st?.isDirectory()) throw refuse(`would get its extended attributes through ${parts.slice(0, i).join('/')}, which is not a directory`)
  }
  const st = lstatSync(join(root, rel), {throwIfNoEntry: false})
  if (!st) throw refuse('has extended attributes but is not there')
  return st
}

const missing = (shown: string, entry: string, names = ''): SysbuildError =>
  new SysbuildError('SYSBUILD_CORE_EXTERNAL_MISSING',
    `setfattr is not installed (not found in PATH); ${shown} carries extended attributes${names ? ` (${names})` : ''} on ${JSON.stringify(entry)} that must be applied`, {
      suggestions: ['apt-get install attr'],
    })

function requireSetfattr(shown: string, entry: string, attrs: Xattrs): string {
  const found = findInPath('setfattr')
  if (!found) throw missing(shown, entry, [...attrs.keys()].join(', '))
  return found
}

/**
 * What an extracted layer's entries carry, kept in its cache directory (XATTRS_RECORD, a reserved `.wh..wh.` name
 * checkout never places): a checkout makes its directories and, in copy mode, its files anew, and gives them these.
 */
export function writeXattrRecord(root: string, batch: XattrBatch): void {
  if (!batch.size) return
  const rows = [...batch.entries()].map(([rel, attrs]) => [rel, [...attrs].map(([n, v]) => [n, v.toString('hex')])])
  writeFileSync(join(root, XATTRS_RECORD), `${JSON.stringify({format: 1, entries: rows})}\n`, {mode: 0o644})
}

/** The record of an extracted layer directory (undefined: its entries carry none). */
export function readXattrRecord(layerDir: string): Map<string, Xattrs> | undefined {
  let text: string
  try {
    text = readFileSync(join(layerDir, XATTRS_RECORD), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  const {entries} = JSON.parse(text) as {entries: [string, [string, string][]][]}
  return new Map(entries.map(([rel, attrs]) => [rel, new Map(attrs.map(([n, hex]) => [n, Buffer.from(hex, 'hex')]))]))
}

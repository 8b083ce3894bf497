/**
 * Extended attributes of a source tree, read by Debian's getfattr (package `attr`; Node has no xattr API): one
 * process per source, started before the walk and writing to an unlinked temp file, so it runs alongside the walk
 * and never waits on a full pipe. `getfattr -R -P -h` reads every entry's own attributes (symlinks included,
 * nothing followed); each `# file: PATH` block lists `NAME=0xHEX` lines. getfattr escapes `\`, `\n`, `\r` (and `=`
 * in names) as `\ooo` octal; every other byte, UTF-8 included, is written raw.
 */
import {spawn} from 'node:child_process'
import {closeSync, existsSync, fstatSync, openSync, readSync, realpathSync, unlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {ExternalCommandError, findInPath, SysbuildError} from '../../core/index.js'
import type {WalkedEntry} from './tree-walk.js'

export type Xattrs = Readonly<Record<string, Buffer>>

/** Whether and how xattrs are read: auto (when getfattr is installed), always (true), never (false). */
export type XattrMode = 'auto' | boolean

export interface XattrDecision {
  /** getfattr to run, when xattrs are read. */
  readonly getfattr?: string
  /** Set in auto mode when getfattr is missing: say once per build that xattrs were not read. */
  readonly warning?: string
}

/** Decide once per build. `true` without getfattr fails with SYSBUILD_CORE_EXTERNAL_MISSING. */
export function decideXattrs(mode: XattrMode, path = process.env.PATH ?? ''): XattrDecision {
  if (mode === false) return {}
  const getfattr = findInPath('getfattr', path)
  if (getfattr) return {getfattr}
  if (mode === true) {
    throw new SysbuildError('SYSBUILD_CORE_EXTERNAL_MISSING', 'getfattr is not installed (not found in PATH); it is needed to read extended attributes (xattrs = true, --xattrs)', {
      suggestions: ['apt-get install attr', 'or build with --no-xattrs (xattrs = false) to leave extended attributes out'],
    })
  }
  return {warning: 'getfattr is not installed: extended attributes (file capabilities, user.* attributes, overlay opaque markers) were not read (apt-get install attr)'}
}


/** ERE alternatives for the strings that differ from `w` within its length ([^s]|s[^e]|se[^c]|...). */
const notPrefix = (w: string): string => [...w].map((c, i) => `${w.slice(0, i).replaceAll('.', '\\.')}[^${c}]`).join('|')
/**
 * getfattr's -m (a POSIX ERE, no lookahead) for every name but security.selinux, the one attribute a labelled host
 * puts on every file: excluded at the source, it costs nothing to read (6.3 MB of output and ~150 ms of parsing for
 * 40k labelled files otherwise). carriedXattrs drops it too.
 */
const NOT_SELINUX = `^(${notPrefix('security.')})|^security\\.(${notPrefix('selinux')}|selinux.|(s|se|sel|seli|selin|selinu)$)`

export interface XattrRead {
  /** Attributes by path relative to the source ('' = the source itself). */
  readonly result: Promise<Map<string, Xattrs>>
  /** Stop getfattr (the walk failed). */
  cancel(): void
}

/** Start reading the xattrs of `source` (a directory is read recursively; a symlink given here is followed). */
export function startXattrRead(getfattr: string, source: string, shown: string): XattrRead {
  let root: string
  try {
    root = realpathSync(source)
  } catch {
    // The walk reports a missing or looping source itself.
    return {result: Promise.resolve(new Map()), cancel: () => {}}
  }
  const file = join(tmpdir(), `sysbuild-getfattr-${process.pid}-${randomBytes(6).toString('hex')}`)
  const fd = openSync(file, 'wx+', 0o600)
  unlinkSync(file)
  const args = ['--absolute-names', '-R', '-P', '-h', '-d', '-m', NOT_SELINUX, '-e', 'hex', '--', root]
  const child = spawn(getfattr, args, {stdio: ['ignore', fd, 'pipe']})
  let stderr = ''
  let open = true
  const close = (): void => {
    if (open) closeSync(fd)
    open = false
  }
  child.stderr!.on('data', (b: Buffer) => {
    if (stderr.length < 8192) stderr += b.toString('utf8')
  })
  const result = new Promise<Map<string, Xattrs>>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      close()
      reject(e.code === 'ENOENT' ? new SysbuildError('SYSBUILD_CORE_EXTERNAL_MISSING', `${getfattr} is not installed`, {suggestions: ['apt-get install attr']}) : e)
    })
    child.on('close', (status) => {
      if (!open) return
      try {
        // getfattr exits 0 when it could list a file's attributes but not read one: anything on stderr is a failure.
        if (status !== 0 || stderr.trim()) {
          // A file this user may not read: the same error the walk gives for unreadable content.
          const denied = deniedPath(stderr)
          if (denied !== undefined) {
            const rel = denied === root ? '' : denied.startsWith(`${root}/`) ? denied.slice(root.length + 1) : denied
            reject(new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${rel ? `${shown}/${rel}` : shown}: permission denied (reading its extended attributes)`, {
              suggestions: ['Build as a user who can read every file of the tree (usually root)', 'or build with --no-xattrs'],
            }))
            return
          }
          const first = stderr.trim().split('\n').slice(0, 3).join('; ')
          reject(new ExternalCommandError(getfattr, args, status, stderr, `reading the extended attributes of ${shown} failed (getfattr exit ${status ?? 'signal'})${first ? `: ${first}` : ''}`))
          return
        }
        const size = fstatSync(fd).size
        const out = Buffer.alloc(size)
        for (let off = 0, n = 1; off < size && n > 0; off += n) n = readSync(fd, out, off, size - off, off)
        resolve(parseGetfattr(out, root))
      } catch (e) {
        reject(e)
      } finally {
        close()
      }
    })
  })
  result.catch(() => {})
  return {result, cancel: () => void child.kill()}
}

/** The file of the first `[getfattr: ]PATH[: NAME]: Permission denied` line (PATH may itself hold ': '). */
function deniedPath(stderr: string): string | undefined {
  const line = stderr.split('\n').find((l) => l.endsWith(': Permission denied'))
  if (line === undefined) return undefined
  const rest = unescape(Buffer.from(line.replace(/^getfattr: /, '').slice(0, -': Permission denied'.length), 'utf8').toString('latin1'))
  const cut = rest.lastIndexOf(': ')
  return existsSync(rest) || cut === -1 ? rest : rest.slice(0, cut)
}

/** `\ooo` → the byte; the rest is taken byte for byte, then read as UTF-8. */
const unescape = (latin1: string): string =>
  Buffer.from(latin1.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8) & 0xff)), 'latin1').toString('utf8')

/** Parse `getfattr -d -e hex --absolute-names` output for a tree read at `root` (keys: paths relative to it). */
export function parseGetfattr(out: Buffer, root: string): Map<string, Xattrs> {
  const byPath = new Map<string, Xattrs>()
  const prefix = root === '/' ? '/' : `${root}/`
  let rel: string | undefined
  let attrs: Record<string, Buffer> = {}
  const flush = (): void => {
    if (rel !== undefined && Object.keys(attrs).length) byPath.set(rel, sorted(attrs))
    rel = undefined
    attrs = {}
  }
  // Lines never contain a raw newline: getfattr escapes it in names, and values are hex.
  for (const line of out.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      flush()
      const path = unescape(line.slice(8))
      rel = path === root ? '' : path.startsWith(prefix) ? path.slice(prefix.length) : undefined
    } else if (line === '') {
      flush()
    } else if (rel !== undefined) {
      const eq = line.indexOf('=')
      const name = unescape(eq === -1 ? line : line.slice(0, eq))
      const value = eq === -1 ? '' : line.slice(eq + 1)
      if (!/^0x([0-9a-fA-F]{2})*$/.test(value) && value !== '') {
        throw new SysbuildError('SYSBUILD_CORE_EXTERNAL_FAILED', `getfattr printed a value that is not hex for ${name} of ${rel || root}`)
      }
      attrs[name] = Buffer.from(value.slice(2), 'hex')
    }
  }
  flush()
  return byPath
}

const sorted = (a: Record<string, Buffer>): Xattrs => Object.fromEntries(Object.keys(a).sort().map((k) => [k, a[k]!]))

/**
 * Attributes that belong to the host, never to an image: its SELinux label (meaningless or harmful elsewhere) and
 * overlayfs bookkeeping (trusted.* as root, user.* with the userxattr mount option). Not carried by build, not
 * applied by install.
 */
export const hostOnlyXattr = (name: string): boolean => name === 'security.selinux' || /^(trusted|user)\.overlay\./.test(name)
const OPAQUE = new Set(['trusted.overlay.opaque', 'user.overlay.opaque'])

export interface CarriedXattrs {
  readonly xattrs?: Xattrs
  /** The directory is an overlayfs opaque directory (overlay.opaque=y): it hides everything below it. */
  readonly opaque: boolean
}

/** What of a file's attributes goes into the layer. `shown` names the file in messages. */
export function carriedXattrs(attrs: Xattrs, shown: string): CarriedXattrs {
  const out: Record<string, Buffer> = {}
  let opaque = false
  for (const [k, v] of Object.entries(attrs)) {
    if (OPAQUE.has(k) && v.toString('latin1') === 'y') opaque = true
    if (hostOnlyXattr(k)) continue
    if (k.includes('=') || k.includes('\n') || k.includes('\ufffd') || !k) {
      throw new SysbuildError('SYSBUILD_IMAGE_UNSUPPORTED_FILE', `${shown}: the extended attribute name ${JSON.stringify(k)} cannot be written in a tar (PAX) record`, {
        suggestions: ['Remove the attribute (setfattr -x NAME FILE) or build with --no-xattrs'],
      })
    }
    out[k] = v
  }
  return Object.keys(out).length ? {xattrs: out, opaque} : {opaque}
}

/**
 * Attach the attributes one source's walk found to its entries (`dest`: where the source lands, '' for a rootfs);
 * an opaque directory gets its `DIR/.wh..wh..opq` marker. Entries the walk did not make (a whiteout) get nothing.
 */
export function applyXattrs(byName: Map<string, WalkedEntry>, read: Map<string, Xattrs>, dest: string, shown: string): void {
  for (const [rel, attrs] of read) {
    const name = rel === '' ? dest : dest ? `${dest}/${rel}` : rel
    const e = name === '' ? undefined : byName.get(name)
    if (name !== '' && !e) continue
    const carried = carriedXattrs(attrs, rel ? `${shown}/${rel}` : shown)
    if (e && carried.xattrs) byName.set(name, {...e, xattrs: carried.xattrs})
    // A rootfs whose top is opaque hides the whole base (the marker sits at the layer root).
    if (carried.opaque && (name === '' || e!.type === 'directory')) {
      const marker = name ? `${name}/.wh..wh..opq` : '.wh..wh..opq'
      byName.set(marker, {name: marker, type: 'file', mode: 0, uid: 0, gid: 0, mtime: e?.mtime ?? 0, size: 0, content: Buffer.alloc(0)})
    }
  }
}

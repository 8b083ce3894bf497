/**
 * ustar headers with POSIX PAX extended records, written by hand so that every byte is decided here:
 * no field is defaulted to "now", ids and sizes that overflow their octal fields go to PAX records, names that
 * are long or not ASCII go to a PAX `path`, binary xattr values are kept byte-exact.
 */
import type {TarEntry} from './tar-entry.js'

export const BLOCK = 512

const TYPEFLAG: Record<TarEntry['type'] | 'pax', number> = {
  file: 0x30, link: 0x31, symlink: 0x32, char: 0x33, block: 0x34, directory: 0x35, fifo: 0x36, pax: 0x78,
}

const MAX_OCT7 = 0o7777777
const MAX_OCT11 = 0o77777777777
const isAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s)

/** Header block(s) for an entry: an optional PAX header + records, then the ustar header. */
export function encodeHeader(e: TarEntry): Buffer {
  const name = e.type === 'directory' ? `${e.name}/` : e.name
  const pax: [string, Buffer][] = []
  const split = splitName(name)
  if (!split) pax.push(['path', Buffer.from(name, 'utf8')])
  const linkname = e.linkname ?? ''
  if (linkname && (!isAscii(linkname) || Buffer.byteLength(linkname) > 100)) pax.push(['linkpath', Buffer.from(linkname, 'utf8')])
  if (e.uid > MAX_OCT7) pax.push(['uid', Buffer.from(String(e.uid))])
  if (e.gid > MAX_OCT7) pax.push(['gid', Buffer.from(String(e.gid))])
  if (e.size > MAX_OCT11) pax.push(['size', Buffer.from(String(e.size))])
  for (const k of Object.keys(e.xattrs ?? {}).sort()) pax.push([`SCHILY.xattr.${k}`, e.xattrs![k]!])
  pax.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))

  const ustar = ustarHeader({
    name: split?.name ?? fallbackName(name),
    prefix: split?.prefix ?? '',
    mode: e.mode & 0o7777,
    uid: e.uid > MAX_OCT7 ? 0 : e.uid,
    gid: e.gid > MAX_OCT7 ? 0 : e.gid,
    size: e.size > MAX_OCT11 ? 0 : e.size,
    mtime: Math.min(Math.max(0, e.mtime), MAX_OCT11),
    typeflag: TYPEFLAG[e.type],
    linkname: linkname && isAscii(linkname) && linkname.length <= 100 ? linkname : fallbackName(linkname),
    devmajor: e.devmajor ?? 0,
    devminor: e.devminor ?? 0,
  })
  if (!pax.length) return ustar
  const records = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)))
  const paxHead = ustarHeader({
    name: fallbackName(`PaxHeaders/${name.replace(/\/$/, '').split('/').pop() ?? ''}`),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: Math.min(Math.max(0, e.mtime), MAX_OCT11),
    typeflag: TYPEFLAG.pax,
    linkname: '',
    devmajor: 0,
    devminor: 0,
  })
  return Buffer.concat([paxHead, records, Buffer.alloc(padding(records.length)), ustar])
}

/** Zero bytes needed after `size` bytes of content to reach a block boundary. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = (): Buffer => Buffer.alloc(2 * BLOCK)

/** A PAX record: "<len> <key>=<value>\n" where <len> counts the whole record including itself. */
export function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(key) + value.length + 3 // ' ', '=', '\n'
  let len = rest + String(rest).length
  if (String(len).length !== String(rest).length) len = rest + String(len).length
  return Buffer.concat([Buffer.from(`${len} ${key}=`), value, Buffer.from('\n')])
}

interface UstarFields {
  name: string
  prefix: string
  mode: number
  uid: number
  gid: number
  size: number
  mtime: number
  typeflag: number
  linkname: string
  devmajor: number
  devminor: number
}

function ustarHeader(f: UstarFields): Buffer {
  const b = Buffer.alloc(BLOCK)
  b.write(f.name, 0, 100, 'ascii')
  octal(b, 100, 8, f.mode)
  octal(b, 108, 8, f.uid)
  octal(b, 116, 8, f.gid)
  octal(b, 124, 12, f.size)
  octal(b, 136, 12, f.mtime)
  b.fill(0x20, 148, 156) // checksum placeholder: spaces
  b[156] = f.typeflag
  b.write(f.linkname, 157, 100, 'ascii')
  b.write('ustar\u000000', 257, 8, 'ascii')
  // uname (265) and gname (297) stay empty: numeric ids only.
  octal(b, 329, 8, f.devmajor)
  octal(b, 337, 8, f.devminor)
  b.write(f.prefix, 345, 155, 'ascii')
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += b[i]!
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii')
  return b
}

/** Zero-padded octal with a terminating NUL, as GNU tar writes numeric fields. */
function octal(b: Buffer, off: number, len: number, value: number): void {
  b.write(`${Math.trunc(value).toString(8).padStart(len - 1, '0')}\u0000`, off, len, 'ascii')
}

/** Split an ASCII name into ustar prefix (≤155) + name (≤100) at a '/', or undefined when PAX is needed. */
function splitName(name: string): {name: string; prefix: string} | undefined {
  if (!isAscii(name)) return undefined
  if (name.length <= 100) return {name, prefix: ''}
  const trailing = name.endsWith('/') ? 1 : 0
  for (let i = name.length - 101; i < name.length - trailing; i++) {
    if (i <= 0 || name[i] !== '/') continue
    if (i <= 155 && name.length - i - 1 <= 100) return {prefix: name.slice(0, i), name: name.slice(i + 1)}
  }
  return undefined
}

/** An ASCII stand-in (≤100 bytes) for readers that ignore PAX; the real value is in the PAX record. */
function fallbackName(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(0, 100)
}

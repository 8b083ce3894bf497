/**
 * Extended attributes of tar entries, byte for byte. tar-stream decodes PAX records as UTF-8 strings, which turns
 * binary values (a file capability with cap_setfcap, bit 31, holds 0x80; user.* blobs) into U+FFFD. So the raw
 * records of each entry's PAX header are read here as well: `SCHILY.xattr.NAME=VALUE` (what GNU tar --xattrs,
 * Go's archive/tar, hence umoci and buildah, and sysbuild's layer writer produce). Only the entry's own (`x`)
 * header counts; like Go's archive/tar (umoci), a global (`g`) header's attributes are not spread over entries.
 * A PAX keyword cannot hold `=`, so GNU tar writes `=` and `%` in attribute names as `%3D` and `%25` and reads
 * them back; so does this (Go writes names raw and refuses `=`: umoci differs only for names holding `%3D`/`%25`).
 *
 * tar-stream has no hook for raw headers: the two private methods of one extractor instance that decode a PAX
 * header and attach it to the next entry are wrapped (tar-stream 3, pinned by the lockfile). Should a later
 * tar-stream rename them, captureXattrs throws rather than letting attributes vanish, and entryXattrs throws when
 * tar-stream saw SCHILY.xattr records that were not captured.
 */
import type * as tar from 'tar-stream'
import {SysbuildError} from '../../core/index.js'

export const XATTR_PAX_PREFIX = 'SCHILY.xattr.'
const RAW = Symbol('sysbuild.paxXattrs')

/** Attribute name → value, in the order of the PAX header. */
export type EntryXattrs = ReadonlyMap<string, Buffer>

interface ExtractInternals {
  /** While a long header is decoded, its own header (type `pax-header`, which tar.Header does not list). */
  _header: (Omit<tar.Header, 'type'> & {type: string | null; [RAW]?: EntryXattrs}) | null
  _decodeLongHeader(buf: Buffer): unknown
  _applyLongHeaders(): unknown
}

/** Make `extract` remember the raw SCHILY.xattr records of each entry (read them with entryXattrs). */
export function captureXattrs(extract: tar.Extract): void {
  const x = extract as unknown as ExtractInternals
  const decode = x._decodeLongHeader
  const apply = x._applyLongHeaders
  if (typeof decode !== 'function' || typeof apply !== 'function') {
    throw new SysbuildError('SYSBUILD_CORE_BUG', 'tar-stream no longer has _decodeLongHeader/_applyLongHeaders: extended attributes of layer entries cannot be read byte for byte')
  }
  let pending: EntryXattrs | undefined
  x._decodeLongHeader = function (this: ExtractInternals, buf: Buffer) {
    if (this._header?.type === 'pax-header') pending = paxXattrs(buf)
    return decode.call(this, buf)
  }
  x._applyLongHeaders = function (this: ExtractInternals) {
    const r = apply.call(this)
    // Every entry is marked, so entryXattrs can tell "none" from "not captured".
    if (this._header) this._header[RAW] = pending ?? NONE
    pending = undefined
    return r
  }
}

const NONE: EntryXattrs = new Map()

/** The attributes of an entry read by an extractor given to captureXattrs (undefined: none). */
export function entryXattrs(header: tar.Header): EntryXattrs | undefined {
  const raw = (header as {[RAW]?: EntryXattrs})[RAW]
  if (raw === undefined && Object.keys(header.pax ?? {}).some((k) => k.startsWith(XATTR_PAX_PREFIX))) {
    throw new SysbuildError('SYSBUILD_CORE_BUG', `tar-stream read extended attributes of ${JSON.stringify(header.name)} that were not captured byte for byte`)
  }
  return raw?.size ? raw : undefined
}

/**
 * The SCHILY.xattr records of one PAX header (`LEN KEY=VALUE\n` each, LEN counting the whole record in bytes).
 * Names are UTF-8 (one that is not comes back with U+FFFD and is refused later); values are kept as bytes.
 */
export function paxXattrs(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  let off = 0
  while (off < buf.length) {
    const sp = buf.indexOf(0x20, off)
    if (sp === -1) break
    const len = Number.parseInt(buf.toString('latin1', off, sp), 10)
    // tar-stream stops at the first malformed record too.
    if (!(len > sp - off + 1) || off + len > buf.length) break
    const record = buf.subarray(sp + 1, off + len - 1)
    const eq = record.indexOf(0x3d)
    if (eq !== -1) {
      const key = record.toString('utf8', 0, eq)
      if (key.startsWith(XATTR_PAX_PREFIX)) out.set(gnuDecoded(key.slice(XATTR_PAX_PREFIX.length)), Buffer.from(record.subarray(eq + 1)))
    }
    off += len
  }
  return out
}

/** GNU tar's xattr_decode_keyword: `%3D` → `=`, `%25` → `%`, left to right; any other `%` stays. */
const gnuDecoded = (name: string): string => name.replace(/%(3D|25)/g, (m) => (m === '%3D' ? '=' : '%'))

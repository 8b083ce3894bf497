/**
 * Tar archives built entry by entry with tar-stream, for layers GNU tar cannot make from a real tree (hostile
 * names, devices without mknod, SCHILY.xattr records with chosen values). Times and owners are fixed.
 */
import * as tar from 'tar-stream'

export interface HandEntry {
  readonly name: string
  readonly type?: tar.Header['type']
  readonly body?: string
  readonly linkname?: string
  readonly mode?: number
  readonly devmajor?: number
  readonly devminor?: number
  /** Written as SCHILY.xattr.NAME PAX records (string values). */
  readonly xattrs?: Record<string, string>
}

export async function tarOf(entries: readonly HandEntry[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise((r) => pack.on('end', r))
  for (const e of entries) {
    const pax = e.xattrs && Object.fromEntries(Object.entries(e.xattrs).map(([k, v]) => [`SCHILY.xattr.${k}`, v]))
    const header = {name: e.name, type: e.type ?? 'file', mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), mtime: new Date(1_700_000_000_000), uid: 0, gid: 0,
      linkname: e.linkname, devmajor: e.devmajor, devminor: e.devminor, pax}
    await new Promise<void>((res, rej) => pack.entry(header, e.body ?? '', (err) => (err ? rej(err) : res())))
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

/** One entry of a layer tar, with every header field decided (nothing is filled in later). */

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'char' | 'block' | 'fifo'

export interface TarEntry {
  /** Path inside the layer: relative, '/'-separated, no leading '/' or './', no trailing '/'. */
  readonly name: string
  readonly type: TarEntryType
  /** Permission bits (masked to 0o7777). */
  readonly mode: number
  readonly uid: number
  readonly gid: number
  /** Whole seconds since the epoch, already clamped. */
  readonly mtime: number
  /** Content length; 0 for everything but regular files. */
  readonly size: number
  /** Symlink target, or for hard links the name of the first entry with the same inode. */
  readonly linkname?: string
  readonly devmajor?: number
  readonly devminor?: number
  /** Extended attributes, written as SCHILY.xattr.* PAX records. */
  readonly xattrs?: Readonly<Record<string, Buffer>>
  /** Host file holding the content (regular files). */
  readonly source?: string
  /** Inline content (generated files); wins over `source`. */
  readonly content?: Buffer
}

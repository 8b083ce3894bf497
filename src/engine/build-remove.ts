/**
 * `remove = [...]` / `--remove`: look the paths up in the base image (its layers stacked with their whiteouts and
 * opaque markers, reading headers only), so that the whiteouts go where the paths really are and the directories
 * above them keep the base's mode, owner and time. A path behind a symlink of the base is refused with the path it
 * leads to (a directory entry there would replace the symlink: /bin → usr/bin becoming an empty /bin); a path the
 * base does not have is skipped with a warning.
 */
import {posix} from 'node:path'
import {pipeline} from 'node:stream/promises'
import * as tar from 'tar-stream'
import {SysbuildError} from '../core/index.js'
import {layerCompression, type Descriptor, type ImageStore, type Removal, type TarEntry} from '../image/index.js'
import {decompressor} from './layers/decompress.js'
import {padToBlock} from './layers/extract-layer.js'
import {captureXattrs, entryXattrs, type EntryXattrs} from './layers/pax-xattrs.js'
import {entryComponents, OPAQUE_MARKER, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX} from './layers/tar-path.js'

export interface PlannedRemovals {
  readonly removals: readonly Removal[]
  readonly warnings: readonly string[]
}

interface Seen {
  readonly type: string
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly mtime: number
  readonly linkname?: string
  /** Its xattrs (raw PAX values): a parent written again must keep them, or it would drop the base's. */
  readonly xattrs?: EntryXattrs
  /** Index of the layer that put it there. */
  readonly layer: number
}

/** `paths`: checked, outermost (checkRemovePath, outermostRemovals). `epoch` clamps the parents' times. */
export async function planRemovals(store: ImageStore, layers: readonly Descriptor[], paths: readonly string[], epoch: number): Promise<PlannedRemovals> {
  const wanted = new Set<string>()
  for (const p of paths) {
    const parts = p.slice(1).split('/')
    for (let i = 1; i <= parts.length; i++) wanted.add(parts.slice(0, i).join('/'))
  }
  const view = new Map<string, Seen>()
  for (const [i, layer] of layers.entries()) await readLayer(store, layer, i, wanted, view)

  const removals: Removal[] = []
  const warnings: string[] = []
  for (const p of paths) {
    const parts = p.slice(1).split('/')
    const parents: TarEntry[] = []
    let missing = false
    for (let i = 1; i < parts.length && !missing; i++) {
      const name = parts.slice(0, i).join('/')
      const seen = view.get(name)
      if (seen?.type === 'symlink') {
        const target = seen.linkname ?? ''
        const real = posix.join(target.startsWith('/') ? target : posix.join('/', posix.dirname(name), target), ...parts.slice(i))
        throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `cannot remove ${p}: /${name} is a symlink to ${target} in the base image`, {
          suggestions: [`Remove the path it leads to: ${real}`],
        })
      }
      if (seen && seen.type !== 'directory') missing = true
      else if (seen) {
        const xattrs = seen.xattrs?.size ? {xattrs: Object.fromEntries(seen.xattrs)} : {}
        parents.push({name, type: 'directory', mode: seen.mode & 0o7777, uid: seen.uid, gid: seen.gid, mtime: Math.max(0, Math.min(seen.mtime, epoch)), size: 0, ...xattrs})
      }
    }
    if (missing || !view.has(parts.join('/'))) {
      warnings.push(`remove ${p}: the base image has no such path; nothing to remove`)
      removals.push({path: p, absent: true})
      continue
    }
    removals.push({path: p, parents})
  }
  return {removals, warnings}
}

/** Stack one layer's headers onto `view` (only the wanted paths are kept). */
async function readLayer(store: ImageStore, layer: Descriptor, index: number, wanted: ReadonlySet<string>, view: Map<string, Seen>): Promise<void> {
  const compression = layerCompression(layer.mediaType)
  if (!compression) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `base layer ${layer.digest} has an unknown media type ${layer.mediaType}`)
  const hide = (dir: string, self: boolean): void => {
    for (const [k, v] of view) {
      if (v.layer < index && ((self && k === dir) || dir === '' || k.startsWith(`${dir}/`))) view.delete(k)
    }
  }
  const extract = tar.extract()
  captureXattrs(extract)
  const feeding = pipeline(await store.openBlob(layer.digest, layer.size), decompressor(compression), padToBlock(), extract)
  feeding.catch(() => {})
  try {
    for await (const entry of extract) {
      const h = entry.header
      entry.resume()
      const parts = entryComponents(h.name, layer.digest)
      if (!parts.length) continue
      const base = parts[parts.length - 1]!
      const dir = parts.slice(0, -1).join('/')
      if (base === OPAQUE_MARKER) hide(dir, false)
      else if (base.startsWith(WHITEOUT_META_PREFIX)) continue
      else if (base.startsWith(WHITEOUT_PREFIX)) {
        if (base.length > WHITEOUT_PREFIX.length) hide(dir ? `${dir}/${base.slice(WHITEOUT_PREFIX.length)}` : base.slice(WHITEOUT_PREFIX.length), true)
      } else {
        const name = parts.join('/')
        // Anything but a directory replaces what lower layers had below it.
        if (h.type !== 'directory') hide(name, false)
        if (wanted.has(name)) {
          view.set(name, {type: h.type ?? 'file', mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000), linkname: h.linkname ?? undefined, xattrs: entryXattrs(h), layer: index})
        }
      }
    }
    await feeding
  } catch (e) {
    extract.destroy()
    if (e instanceof SysbuildError) throw e
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `base layer ${layer.digest} is not a readable tar: ${(e as Error).message}`, {}, e)
  }
}

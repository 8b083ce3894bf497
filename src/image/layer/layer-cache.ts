/**
 * A layer cache keyed on inputs: the key hashes every header field of every entry plus what identifies each
 * regular file's content on this host (device, inode, size, mtime and ctime in nanoseconds; ctime cannot be set
 * by users, so an edited file always changes the key). Other entries are all header: a directory whose ctime
 * changed (another tool touched it: umoci insert does) still hits. When xattrs are read, the cache is first asked
 * with a key of the entries before their xattrs are read (`xattrsUnread`), which also counts every other entry's
 * ctime: setting or removing an xattr moves the inode's ctime, so a rebuild of an unchanged tree needs no
 * getfattr. Bump VERSION when what is read or carried changes (xattrs.ts: the getfattr pattern, what is dropped).
 * A hit skips tarring and compressing entirely.
 */
import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {writeFileAtomic} from '../../core/index.js'
import {canonicalJson} from '../canonical-json.js'
import {isDigest} from '../digest.js'
import type {ImageStore} from '../layout/store.js'
import type {LayerResult} from './layer-writer.js'
import type {WalkedEntry} from './tree-walk.js'

const VERSION = 4

export interface LayerCacheKeyInput {
  readonly compression: string
  readonly level: number
  readonly entries: readonly WalkedEntry[]
  /**
   * A key for entries whose xattrs were not read: it then counts every entry's identity (non-files: their ctime,
   * which any xattr change moves) and this text (what else decides which xattrs would be read).
   */
  readonly xattrsUnread?: string
}

export function layerCacheKey(input: LayerCacheKeyInput): string {
  const h = createHash('sha256')
  const unread = input.xattrsUnread !== undefined
  h.update(`sysbuild-layer-cache ${VERSION} ${input.compression} ${input.level}${unread ? ` xattrs unread: ${input.xattrsUnread}` : ''}\n`)
  // One NUL-separated line per entry (no field holds a NUL: names and link targets are paths, xattrs are base64),
  // hashed in batches: the same bytes as one update per line, far fewer calls.
  let batch = ''
  for (const e of input.entries) {
    const xattrs = e.xattrs ? Object.keys(e.xattrs).sort().map((k) => `${k}=${e.xattrs![k]!.toString('base64')}`).join(',') : ''
    const content = e.content ? createHash('sha256').update(e.content).digest('hex') : e.type === 'file' || unread ? (e.identity ?? '') : ''
    batch += `${e.name}\0${e.type}\0${e.mode}\0${e.uid}\0${e.gid}\0${e.mtime}\0${e.size}\0${e.linkname ?? ''}\0${e.devmajor ?? 0}\0${e.devminor ?? 0}\0${xattrs}\0${content}\n`
    if (batch.length >= 1 << 16) {
      h.update(batch)
      batch = ''
    }
  }
  h.update(batch)
  return h.digest('hex')
}

/** The cached layer for `key`, if its blob is still in the store. */
export async function readCachedLayer(cacheDir: string, key: string, store: ImageStore): Promise<LayerResult | undefined> {
  const text = await readFile(join(cacheDir, `${key}.json`), 'utf8').catch(() => undefined)
  if (!text) return undefined
  let hit: LayerResult
  try {
    hit = JSON.parse(text) as LayerResult
  } catch {
    return undefined
  }
  if (!hit?.descriptor || !isDigest(hit.descriptor.digest) || !isDigest(hit.diffId)) return undefined
  const info = await store.statBlob(hit.descriptor.digest)
  return info && info.size === hit.descriptor.size ? hit : undefined
}

export async function writeCachedLayer(cacheDir: string, key: string, layer: LayerResult): Promise<void> {
  await writeFileAtomic(join(cacheDir, `${key}.json`), canonicalJson(layer) + '\n')
}

/** Sources → entries → (cache hit | single-pass layer write) → LayerResult. */
import {readFile} from 'node:fs/promises'
import type {Compression} from '../media-types.js'
import type {ImageStore} from '../layout/store.js'
import {DEFAULT_GZIP_LEVEL} from './gzip.js'
import {layerCacheKey, readCachedLayer} from './layer-cache.js'
import {writeLayer, type LayerResult} from './layer-writer.js'
import type {TarProgress} from './tar-writer.js'
import type {Removal} from './removals.js'
import {collectEntries, type LayerSource, type WalkedEntry} from './tree-walk.js'

export interface MakeLayerOptions {
  readonly compression: Compression
  readonly level?: number
  readonly jobs?: number
  readonly epoch: number
  readonly devices?: boolean
  /** Read extended attributes with this getfattr (decideXattrs). */
  readonly getfattr?: string
  /** Base-image paths this layer deletes (whiteouts). */
  readonly removals?: readonly Removal[]
  /** Directory of the input-keyed layer cache (read here; write with writeCachedLayer after commit). */
  readonly cacheDir?: string
  readonly onProgress?: (p: TarProgress & {readonly totalFiles: number; readonly totalBytes: number}) => void
}

export interface MadeLayer extends LayerResult {
  readonly cached: boolean
  /** Keys to record the layer under once it is safely stored (writeCachedLayer), when caching. */
  readonly cacheKeys: readonly string[]
}

export async function makeLayer(store: ImageStore, sources: readonly LayerSource[], opts: MakeLayerOptions): Promise<MadeLayer> {
  const level = opts.compression === 'none' ? 0 : (opts.level ?? DEFAULT_GZIP_LEVEL)
  const cacheDir = opts.cacheDir
  // With xattrs, the cache is asked first with what the walk saw (every inode's ctime, which any xattr change moves):
  // a hit needs no getfattr. Also keyed by who builds: the uid and capabilities decide what getfattr can read.
  let statKey: string | undefined
  let statHit: LayerResult | undefined
  const beforeXattrs = cacheDir && opts.getfattr
    ? async (plain: readonly WalkedEntry[], top: string): Promise<boolean> => {
        statKey = layerCacheKey({compression: opts.compression, level, entries: plain, xattrsUnread: `${top} ${await builder()}`})
        statHit = await readCachedLayer(cacheDir, statKey, store)
        return statHit !== undefined
      }
    : undefined
  const entries = await collectEntries(sources, {epoch: opts.epoch, devices: opts.devices, getfattr: opts.getfattr, removals: opts.removals, beforeXattrs})
  if (statHit) return {...statHit, cached: true, cacheKeys: []}
  const key = cacheDir ? layerCacheKey({compression: opts.compression, level, entries}) : undefined
  const record = [key, statKey].filter((k): k is string => k !== undefined)
  if (key && cacheDir) {
    const hit = await readCachedLayer(cacheDir, key, store)
    if (hit) return {...hit, cached: true, cacheKeys: statKey ? [statKey] : []}
  }
  // What only the cache keys needed goes before the long write (~90 bytes an entry: 12 MB for 138k entries).
  for (const e of entries) if (e.identity !== undefined) (e as {identity?: string}).identity = undefined
  const totalFiles = entries.length
  const totalBytes = entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0)
  const result = await writeLayer(store, entries, {
    compression: opts.compression,
    level: opts.level,
    jobs: opts.jobs,
    onProgress: opts.onProgress ? (p) => opts.onProgress!({...p, totalFiles, totalBytes}) : undefined,
  })
  return {...result, cached: false, cacheKeys: record}
}

/** Who reads the xattrs: uid and effective capabilities (root in a user namespace cannot read trusted.*). */
async function builder(): Promise<string> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '')
  return `uid ${process.getuid?.() ?? 0} ${/^CapEff:\s*(\S+)/m.exec(status)?.[1] ?? ''}`
}

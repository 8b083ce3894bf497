/** Sources → entries → (cache hit | single-pass layer write) → LayerResult. */
import type {Compression} from '../media-types.js'
import type {ImageStore} from '../layout/store.js'
import {DEFAULT_GZIP_LEVEL} from './gzip.js'
import {layerCacheKey, readCachedLayer} from './layer-cache.js'
import {writeLayer, type LayerResult} from './layer-writer.js'
import type {TarProgress} from './tar-writer.js'
import type {Removal} from './removals.js'
import {collectEntries, type LayerSource} from './tree-walk.js'

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
  /** Key to record the layer under once it is safely stored (writeCachedLayer), when caching. */
  readonly cacheKey?: string
}

export async function makeLayer(store: ImageStore, sources: readonly LayerSource[], opts: MakeLayerOptions): Promise<MadeLayer> {
  const entries = await collectEntries(sources, {epoch: opts.epoch, devices: opts.devices, getfattr: opts.getfattr, removals: opts.removals})
  const level = opts.compression === 'none' ? 0 : (opts.level ?? DEFAULT_GZIP_LEVEL)
  const key = opts.cacheDir ? layerCacheKey({compression: opts.compression, level, entries}) : undefined
  if (key && opts.cacheDir) {
    const hit = await readCachedLayer(opts.cacheDir, key, store)
    if (hit) return {...hit, cached: true, cacheKey: key}
  }
  const totalFiles = entries.length
  const totalBytes = entries.reduce((n, e) => n + (e.type === 'file' ? e.size : 0), 0)
  const result = await writeLayer(store, entries, {
    compression: opts.compression,
    level: opts.level,
    jobs: opts.jobs,
    onProgress: opts.onProgress ? (p) => opts.onProgress!({...p, totalFiles, totalBytes}) : undefined,
  })
  return {...result, cached: false, cacheKey: key}
}

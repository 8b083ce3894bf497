/**
 * The extracted-layer cache: each layer is extracted once, into a directory named by
 * its diff id (the sha256 of the uncompressed tar, verified while extracting), and
 * committed by rename. Deployments are assembled from these directories with hard links
 * (checkout.ts), as OSTree's hard-link checkouts did for atomic.
 */
import {mkdirSync, renameSync, rmSync, existsSync} from 'node:fs'
import {dirname} from 'node:path'
import {randomBytes} from 'node:crypto'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {SysbuildError} from '../../core/index.js'
import {HashingStream, type Digest} from '../../image/index.js'
import {layerCacheDir} from './cache-format.js'
import {decompressor, type LayerCompression} from './decompress.js'
import {extractLayer, type ExtractStats} from './extract-layer.js'

export interface CachedLayerSource {
  /** Digest of the blob (compressed bytes). */
  readonly digest: Digest
  /** Digest of the uncompressed tar (config rootfs.diff_ids); the cache key when known. */
  readonly diffId?: Digest
  readonly compression: LayerCompression
  /** A fresh, verified stream of the blob. */
  open(): Promise<Readable>
}

export interface CachedLayer {
  readonly dir: string
  readonly key: Digest
  /** Whether the layer was already extracted. */
  readonly hit: boolean
  readonly stats?: ExtractStats
}

export {layerCacheDir, layerFormatDir} from './cache-format.js'

/** Make sure the layer is extracted in `cacheRoot`; returns its directory. */
export async function ensureLayer(cacheRoot: string, layer: CachedLayerSource): Promise<CachedLayer> {
  const key = layer.diffId ?? layer.digest
  const dir = layerCacheDir(cacheRoot, key)
  if (existsSync(dir)) return {dir, key, hit: true}
  mkdirSync(dirname(dir), {recursive: true})
  const tmp = `${dir}.tmp-${randomBytes(6).toString('hex')}`
  mkdirSync(tmp, {mode: 0o755})
  try {
    const blob = await layer.open()
    const unpack = decompressor(layer.compression)
    const hashing = new HashingStream({highWaterMark: 1 << 16})
    const feeding = pipeline(blob, unpack, hashing)
    feeding.catch(() => {})
    const stats = await extractLayer(hashing, tmp, {layer: layer.digest})
    await feeding
    const {digest} = hashing.result()
    if (layer.diffId && digest !== layer.diffId) {
      throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `Layer ${layer.digest} uncompresses to ${digest}, but the image config says ${layer.diffId}`)
    }
    try {
      renameSync(tmp, dir)
    } catch (e) {
      // Another process extracted the same layer first: keep theirs.
      if (!existsSync(dir)) throw e
      rmSync(tmp, {recursive: true, force: true})
      return {dir, key, hit: true}
    }
    return {dir, key, hit: false, stats}
  } catch (e) {
    rmSync(tmp, {recursive: true, force: true})
    throw e
  }
}

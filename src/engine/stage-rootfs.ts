/** Put an image's filesystem at `rootfs`: layers into the extracted-layer cache, then a hard-link checkout. */
import type {Digest} from '../image/index.js'
import {checkoutLayers, type CheckoutStats} from './layers/checkout.js'
import {ensureLayer} from './layers/layer-cache.js'
import type {ResolvedImage} from './image-source.js'

export interface StagedRootfs {
  /** Cache keys of the layers, lowest first. */
  readonly layers: Digest[]
  readonly extracted: number
  readonly checkout: CheckoutStats
}

export async function stageRootfs(image: ResolvedImage, layerCache: string, rootfs: string): Promise<StagedRootfs> {
  const dirs: string[] = []
  const layers: Digest[] = []
  let extracted = 0
  for (const layer of image.layers) {
    const cached = await ensureLayer(layerCache, layer)
    dirs.push(cached.dir)
    layers.push(cached.key)
    if (!cached.hit) extracted++
  }
  const checkout = checkoutLayers(dirs, rootfs)
  return {layers, extracted, checkout}
}

/** The engine's data directory: the local image store (src/image/layout/local-store.ts) and the layer cache. */
import {join} from 'node:path'
import {dataDir, type StoreLocation} from '../image/model.js'

export {DATA_DIR, dataDir, imageStoreDir, openLocalStore, type StoreLocation} from '../image/model.js'

/** The layer cache (input key → layer blob) of `sysbuild build`. */
export const layerCacheDir = (opts: StoreLocation = {}): string => join(dataDir(opts), 'cache', 'layers')

/** Marker files of base layers a build has checked (see base-layer-check.ts). */
export const checkedLayersDir = (opts: StoreLocation = {}): string => join(dataDir(opts), 'cache', 'checked-layers')

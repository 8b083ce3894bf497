/** Where the extracted-layer cache (layer-cache.ts) keeps a layer; a module of its own so `prune` loads no tar code. */
import {join} from 'node:path'
import {digestHex, type Digest} from '../../image/index.js'

/**
 * Version of what an extracted directory holds; a change of format gets a fresh cache rather than misreading
 * old entries. v2: directories a layer has no entry for carry IMPLICIT_DIR_MARKER. v3: entries carry the layer's
 * extended attributes and XATTRS_RECORD lists them (a v2 directory has none: its layer is extracted again).
 */
const FORMAT = 'v3'

/** Where the layers of the current format live under `cacheRoot` (any sibling directory is an older format's). */
export const layerFormatDir = (cacheRoot: string): string => join(cacheRoot, FORMAT)

export const layerCacheDir = (cacheRoot: string, key: Digest): string => join(layerFormatDir(cacheRoot), digestHex(key))

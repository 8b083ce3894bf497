/** Where the local image store lives: /var/lib/containers/sysbuild, under --root / SYSBUILD_ROOT when given. */
import {join, resolve} from 'node:path'
import {openLayout, type ImageStore} from '../image/index.js'

/** sysbuild's data directory on a host (next to atomic's /var/lib/containers/atomic). */
export const DATA_DIR = '/var/lib/containers/sysbuild'

export interface StoreLocation {
  /** Prefix for every host path (the --root flag); default "/". */
  readonly root?: string
}

/** The data directory, relocated under `root`. */
export const dataDir = (opts: StoreLocation = {}): string => join(resolve(opts.root ?? '/'), DATA_DIR)

/** The OCI image layout holding built and pulled images. */
export const imageStoreDir = (opts: StoreLocation = {}): string => join(dataDir(opts), 'images')

/** The layer cache (input key → layer blob) of `sysbuild build`. */
export const layerCacheDir = (opts: StoreLocation = {}): string => join(dataDir(opts), 'cache', 'layers')

/** Open (creating on first use) the local image store. */
export const openLocalStore = (opts: StoreLocation = {}): Promise<ImageStore> => openLayout(imageStoreDir(opts), {create: true})

/**
 * Where the local image store lives: /var/lib/containers/sysbuild/images, under a root prefix (--root /
 * SYSBUILD_ROOT) when given. The engine owns the data directory (it adds the layer cache and the deployments);
 * the image store's place is here so that commands which only move images need not load the engine.
 */
import {join, resolve} from 'node:path'
import {openLayout} from './dir-store.js'
import type {ImageStore} from './store.js'

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

/** Open (creating on first use) the local image store. */
export const openLocalStore = (opts: StoreLocation = {}): Promise<ImageStore> => openLayout(imageStoreDir(opts), {create: true})

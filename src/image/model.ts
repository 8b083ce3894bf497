/**
 * The image model and its stores, without the layer writer, bases or outputs: digests, media types, descriptors,
 * platforms, OCI layout stores, the local store, image closures. A second entry point of the image domain for the
 * registry, whose commands would otherwise load the layer writer, parallel gzip and tar-stream at every start
 * (~40 ms); src/image/index.ts re-exports all of it.
 */
export * from './media-types.js'
export * from './digest.js'
export * from './canonical-json.js'
export * from './descriptor.js'
export * from './types.js'
export * from './platform.js'
// stores
export type {ImageStore, BlobInfo, BlobSource, ExpectedBlob, GcOptions, GcResult} from './layout/store.js'
export {openLayout, parseIndexText, type OpenLayoutOptions} from './layout/dir-store.js'
export {openStaging, type StagingStore} from './layout/staging-store.js'
export {reachableDigests} from './layout/gc.js'
export {DATA_DIR, dataDir, imageStoreDir, openLocalStore, type StoreLocation} from './layout/local-store.js'
export {isRefName, checkRefName} from './layout/ref-name.js'
export {imageClosure} from './output/closure.js'
export {gunzipIfNeeded} from './gunzip-if-needed.js'

/** Docker media types in a base are mapped to their OCI twins (same bytes, same digests). */
import {SysbuildError} from '../../core/index.js'
import {isDigest} from '../digest.js'
import {MEDIA_TYPES, layerCompression} from '../media-types.js'
import type {Descriptor, ImageConfig, ImageManifest} from '../types.js'

export function normalizeLayerDescriptor(d: Descriptor, what: string): Descriptor {
  const c = layerCompression(d.mediaType)
  if (c === undefined) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: unsupported layer media type ${d.mediaType}`)
  const mediaType = c === 'gzip' ? MEDIA_TYPES.layerGzip : c === 'zstd' ? MEDIA_TYPES.layerZstd : MEDIA_TYPES.layerTar
  const {urls: _u, ...rest} = d
  return {...rest, mediaType}
}

/** Check the parts of a manifest sysbuild relies on; anything else → SYSBUILD_IMAGE_INVALID_ARCHIVE. */
export function checkManifest(m: unknown, what: string): ImageManifest {
  const x = m as Partial<ImageManifest> | null
  const okDesc = (d: unknown): d is Descriptor =>
    !!d && typeof d === 'object' && isDigest((d as Descriptor).digest) && Number.isSafeInteger((d as Descriptor).size) && typeof (d as Descriptor).mediaType === 'string'
  if (!x || x.schemaVersion !== 2 || !okDesc(x.config) || !Array.isArray(x.layers) || !x.layers.every(okDesc)) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: not an image manifest (schemaVersion 2, config and layers with sha256 digests)`)
  }
  return x as ImageManifest
}

export function checkConfig(c: unknown, layers: number, what: string): ImageConfig {
  const x = c as Partial<ImageConfig> | null
  if (!x || typeof x !== 'object' || !x.rootfs || !Array.isArray(x.rootfs.diff_ids) || !x.rootfs.diff_ids.every((d) => isDigest(d))) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: the image config has no valid rootfs.diff_ids`)
  }
  if (x.rootfs.diff_ids.length !== layers) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}: the config lists ${x.rootfs.diff_ids.length} diff_ids for ${layers} layers`)
  }
  return x as ImageConfig
}

/** Write the config and manifest of a built image (image-spec 1.1) and return the descriptor to tag. */
import {MEDIA_TYPES} from './media-types.js'
import type {Descriptor} from './descriptor.js'
import type {BaseImage} from './base/base-image.js'
import type {ImageStore} from './layout/store.js'
import {composeConfig, type ImageSettings, type NewLayer} from './image-config.js'
import {hostPlatform} from './platform.js'
import type {ImageConfig, ImageManifest} from './types.js'

export interface AssembledImage {
  /** Descriptor of the manifest, with its platform: what goes into index.json. */
  readonly descriptor: Descriptor
  readonly manifest: ImageManifest
  readonly config: ImageConfig
}

export async function assembleImage(store: ImageStore, base: BaseImage, layers: readonly NewLayer[], settings: ImageSettings): Promise<AssembledImage> {
  const config = composeConfig(base, layers, settings, hostPlatform())
  const configDesc = await store.putJson(config, MEDIA_TYPES.config)
  const annotations: Record<string, string> = {
    ...(base.digest ? {'org.opencontainers.image.base.digest': base.digest} : {}),
    ...(base.digest && base.portableName ? {'org.opencontainers.image.base.name': base.name} : {}),
    ...(settings.annotations ?? {}),
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: configDesc,
    layers: [...(base.manifest?.layers ?? []), ...layers.map((l) => l.layer.descriptor)],
    ...(Object.keys(annotations).length ? {annotations} : {}),
  }
  const m = await store.putJson(manifest, MEDIA_TYPES.manifest)
  const platform = {architecture: config.architecture, os: config.os, ...(config.variant ? {variant: config.variant} : {})}
  return {descriptor: {...m, platform}, manifest, config}
}

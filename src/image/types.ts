/** The OCI documents sysbuild reads and writes, with sha256-typed descriptors. */
import type {Descriptor} from './descriptor.js'
import type {ImageManifest as GenManifest} from './generated/manifest.js'
import type {ImageIndex as GenIndex} from './generated/image-index.js'

export type {ImageConfig, RuntimeDefaults, HistoryEntry} from './generated/config.js'
export type {LayoutHeader} from './generated/layout.js'
export type {Descriptor} from './descriptor.js'

export interface ImageManifest extends Omit<GenManifest, 'config' | 'layers' | 'subject' | 'mediaType'> {
  mediaType?: string
  config: Descriptor
  layers: Descriptor[]
  subject?: Descriptor
}

export interface ImageIndex extends Omit<GenIndex, 'manifests' | 'subject'> {
  manifests: Descriptor[]
  subject?: Descriptor
}

/** The annotation that names an image in a layout's index.json. */
export const REF_NAME = 'org.opencontainers.image.ref.name'

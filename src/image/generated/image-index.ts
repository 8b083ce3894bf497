/* Generated from src/image/schema/image-index.schema.json by scripts/gen-types.mjs. Do not edit. */

export type MediaType = string

/**
 * An OCI image index: a list of manifests (per platform, or named by org.opencontainers.image.ref.name in a layout's index.json).
 */
export interface ImageIndex {
  schemaVersion: 2
  mediaType?: 'application/vnd.oci.image.index.v1+json'
  artifactType?: MediaType
  manifests: Descriptor[]
  subject?: Descriptor
  annotations?: Annotations
}
export interface Descriptor {
  mediaType: MediaType
  digest: string
  size: number
  urls?: string[]
  annotations?: Annotations
  data?: string
  artifactType?: MediaType
  platform?: Platform
}
export interface Annotations {
  [k: string]: string
}
export interface Platform {
  architecture: string
  os: string
  'os.version'?: string
  'os.features'?: string[]
  variant?: string
  features?: string[]
}

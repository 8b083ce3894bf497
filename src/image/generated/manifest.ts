/* Generated from src/image/schema/manifest.schema.json by scripts/gen-types.mjs. Do not edit. */

export type MediaType = string

/**
 * An OCI image manifest: one config blob plus the layers, base first.
 */
export interface ImageManifest {
  schemaVersion: 2
  mediaType?: 'application/vnd.oci.image.manifest.v1+json'
  artifactType?: MediaType
  config: Descriptor
  layers: Descriptor[]
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
}
export interface Annotations {
  [k: string]: string
}

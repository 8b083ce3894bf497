/* Generated from src/image/schema/descriptor.schema.json by scripts/gen-types.mjs. Do not edit. */

export type MediaType = string
/**
 * algorithm:encoded, e.g. sha256:<64 lowercase hex>.
 */
export type Digest = string

/**
 * A pointer to content: what it is (mediaType), its digest and its byte size (OCI image-spec content descriptor).
 */
export interface Descriptor {
  mediaType: MediaType
  digest: Digest
  /**
   * Exact byte length of the content.
   */
  size: number
  urls?: string[]
  annotations?: Annotations
  /**
   * The content itself, base64; must match digest and size.
   */
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

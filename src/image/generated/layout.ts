/* Generated from src/image/schema/layout.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * The oci-layout file at the top of an OCI image layout directory.
 */
export interface LayoutHeader {
  imageLayoutVersion: '1.0.0'
}

/** OCI (and, for docker-compat reading, Docker) media types. */

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  empty: 'application/vnd.oci.empty.v1+json',
  layoutHeader: 'application/vnd.oci.layout.header.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerTar: 'application/vnd.docker.image.rootfs.diff.tar',
} as const

export type KnownMediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES]

/** Layer compression as sysbuild writes it. */
export type Compression = 'gzip' | 'pgzip' | 'none'

export const isIndexMediaType = (t: string | undefined): boolean =>
  t === MEDIA_TYPES.index || t === MEDIA_TYPES.dockerManifestList

export const isManifestMediaType = (t: string | undefined): boolean =>
  t === MEDIA_TYPES.manifest || t === MEDIA_TYPES.dockerManifest

/** How a layer blob of this media type is compressed, or undefined when it is not a layer sysbuild can read. */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' | undefined {
  switch (mediaType) {
    case MEDIA_TYPES.layerGzip:
    case MEDIA_TYPES.dockerLayerGzip:
      return 'gzip'
    case MEDIA_TYPES.layerZstd:
      return 'zstd'
    case MEDIA_TYPES.layerTar:
    case MEDIA_TYPES.dockerLayerTar:
      return 'none'
    default:
      return undefined
  }
}

/** The OCI layer media type for a compression. */
export const layerMediaType = (c: Compression): string => (c === 'none' ? MEDIA_TYPES.layerTar : MEDIA_TYPES.layerGzip)

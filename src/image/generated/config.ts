/* Generated from src/image/schema/config.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * An OCI image configuration: platform, runtime defaults, the uncompressed layer digests (diff_ids) and the history.
 */
export interface ImageConfig {
  /**
   * RFC 3339 time the image was made.
   */
  created?: string
  author?: string
  /**
   * GOARCH spelling, e.g. amd64.
   */
  architecture: string
  /**
   * GOOS spelling, e.g. linux.
   */
  os: string
  'os.version'?: string
  'os.features'?: string[]
  variant?: string
  config?: RuntimeDefaults
  rootfs: RootFs
  history?: HistoryEntry[]
}
export interface RuntimeDefaults {
  User?: string
  ExposedPorts?: {
    [k: string]: {}
  }
  Env?: string[]
  Entrypoint?: string[] | null
  Cmd?: string[] | null
  Volumes?: {
    [k: string]: {}
  }
  WorkingDir?: string
  Labels?: {
    [k: string]: string
  }
  StopSignal?: string
  ArgsEscaped?: boolean
}
export interface RootFs {
  type: 'layers'
  diff_ids: string[]
}
export interface HistoryEntry {
  created?: string
  created_by?: string
  author?: string
  comment?: string
  empty_layer?: boolean
}

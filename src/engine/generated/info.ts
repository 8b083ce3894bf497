/* Generated from src/engine/schema/info.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * The `info` file of a deployment (atomic-semantics.md §8). atomic's keys, plus `sysbuild` (format and value provenance). Unknown keys are kept and ignored.
 */
export interface DeploymentInfo {
  /**
   * Image reference as given (the IMAGE_NAME value).
   */
  image: string
  /**
   * Image id: manifest digest without sha256: (the IMAGE_ID value).
   */
  revision: string
  /**
   * atomic: the storage commit. sysbuild: the manifest digest with sha256:.
   */
  'ostree-commit'?: string | null
  /**
   * Install time, seconds since the epoch (UTC).
   */
  created: number
  /**
   * Every value used for rendering (sysbuild writes strings; atomic wrote HOST_UID/HOST_GID as integers).
   */
  values: {
    [k: string]: string | number | boolean | null
  }
  'has-container-service': boolean
  'installed-files'?: string[]
  /**
   * Host path → sha256 hex, or "0" for a directory.
   */
  'installed-files-checksum'?: {
    [k: string]: string
  }
  'installed-files-template'?: string[]
  'rename-installed-files'?: {
    [k: string]: string
  }
  'rpm-installed'?: string | null
  'system-package'?: string
  /**
   * The --rootfs argument, or null.
   */
  remote?: string | null
  'use-links'?: boolean
  /**
   * Absolute path of the OCI runtime.
   */
  runtime: string
  /**
   * sysbuild's own record (D17).
   */
  sysbuild?: {
    format: 1
    /**
     * Where each value came from.
     */
    sources: {
      [k: string]: 'set' | 'host' | 'default' | 'uuid' | 'forced'
    }
    /**
     * Host directories sysbuild created for host files (removed when empty, D14).
     */
    'created-dirs'?: string[]
    /**
     * Whether a tmpfiles conf was installed.
     */
    tmpfiles?: boolean
    /**
     * Symlinks systemd-tmpfiles created from L lines (path → target), removed with the deployment when unchanged.
     */
    'created-links'?: {
      [k: string]: string
    }
    /**
     * Keys (diff ids) of the extracted layers the rootfs was assembled from.
     */
    layers?: string[]
  }
}

/* Generated from src/exports/schema/manifest.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * /exports/manifest.json of a system container image (atomic-semantics.md §5). Unknown keys are reported by lint, not refused.
 */
export interface ExportsManifest {
  /**
   * Never read by atomic; every example says "1.0".
   */
  version?: string
  /**
   * Default template values, applied after --set and host values.
   */
  defaultValues?: {
    [k: string]: string | number | boolean | null
  }
  /**
   * Host path → host path (the value is a template), applied to hostfs destinations component by component.
   */
  renameFiles?: {
    [k: string]: string
  }
  /**
   * Final (renamed) host paths of hostfs files rendered as templates when copied.
   */
  installedFilesTemplate?: string[]
  /**
   * No unit; only host files are installed.
   */
  noContainerService?: boolean
  /**
   * Hard-link hostfs files under /usr/ when SELinux labels allow (default true).
   */
  useLinks?: boolean
}

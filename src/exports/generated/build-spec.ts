/* Generated from src/exports/schema/build-spec.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * sysbuild.toml: how `sysbuild build` makes a system-container image. Relative paths are relative to the file.
 */
export interface BuildSpec {
  /**
   * Image name (repository), e.g. "hello-world" or "example/etcd".
   */
  name: string
  /**
   * Image tag.
   */
  tag?: string
  /**
   * Base image: scratch, oci:PATH[:REF], oci-archive:FILE, docker-archive:FILE, docker-daemon:NAME[:TAG] or a registry reference.
   */
  from?: string
  /**
   * Directory holding the /exports files (manifest.json, config.json.template, service.template, tmpfiles.template, hostfs/).
   */
  exports?: string
  /**
   * Directories whose contents become the image filesystem, one layer each, in order.
   */
  rootfs?: string[]
  /**
   * Absolute, normalised paths of the base image to delete: whiteouts (.wh.NAME) in the first layer the build adds, which must not contain them itself.
   */
  remove?: string[]
  /**
   * Carry extended attributes (read with getfattr from Debian's attr package; security.selinux is dropped). true requires getfattr; false leaves them out; unset reads them when getfattr is installed and warns otherwise.
   */
  xattrs?: boolean
  os?: string
  /**
   * GOARCH spelling (amd64, arm64, ...); defaults to the host's.
   */
  architecture?: string
  /**
   * Single files or directories copied into the image.
   */
  copy?: Copy[]
  /**
   * Files shipped to the host through /exports/hostfs (system-buildah's --add-file, done right).
   */
  host_files?: HostFile[]
  /**
   * Image labels. atomic.type=system is always set; name, version, summary, maintainer, license, help, architecture, distribution-scope are what system-buildah set; atomic.run=once marks a run-once image.
   */
  labels?: {
    [k: string]: string
  }
  /**
   * OCI manifest annotations (org.opencontainers.image.*).
   */
  annotations?: {
    [k: string]: string
  }
  config?: ImageConfig
}
export interface Copy {
  source: string
  /**
   * Absolute path inside the image.
   */
  destination: string
  /**
   * Octal mode, e.g. "0755".
   */
  mode?: string
  /**
   * Numeric uid[:gid].
   */
  owner?: string
}
export interface HostFile {
  source: string
  /**
   * Absolute path on the host; lands in /exports/hostfs<destination>.
   */
  destination: string
  mode?: string
}
export interface ImageConfig {
  env?: string[]
  entrypoint?: string[]
  cmd?: string[]
  workdir?: string
  user?: string
  stop_signal?: string
}

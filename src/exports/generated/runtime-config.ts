/* Generated from src/exports/schema/runtime-config.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * A Linux capability name, e.g. CAP_NET_BIND_SERVICE.
 */
export type CapabilityName = string
/**
 * A list of capability names.
 */
export type CapabilityList = CapabilityName[]

/**
 * An OCI runtime-spec config.json as sysbuild accepts it: runtime-spec 1.x plus the pre-1.0 shapes that system-container templates still carry (they run under runc 1.1 and are reported by lint warnings, not by this schema). Unknown keys are allowed, as runtimes ignore them.
 */
export interface RuntimeConfig {
  /**
   * runtime-spec version the config follows (SemVer).
   */
  ociVersion: string
  process?: Process
  root?: Root
  hostname?: string
  domainname?: string
  /**
   * Mounts in the order they are made.
   */
  mounts?: Mount[]
  hooks?: Hooks
  /**
   * Arbitrary metadata.
   */
  annotations?: {
    [k: string]: string
  }
  linux?: Linux
  platform?: LegacyPlatform
}
/**
 * The container process.
 */
export interface Process {
  /**
   * Attach a pseudo-terminal (system containers must say false).
   */
  terminal?: boolean
  consoleSize?: ConsoleSize
  user?: User
  /**
   * Program and arguments; the first one is looked up in the container's PATH.
   */
  args?: string[]
  /**
   * Whole command line (Windows only).
   */
  commandLine?: string
  /**
   * Environment in KEY=VALUE form.
   */
  env?: string[]
  /**
   * Working directory; an absolute path inside the container.
   */
  cwd: string
  /**
   * Capability sets. A plain list is the pre-1.0 shape: runc 1.1 refuses it, lint warns and install converts it.
   */
  capabilities?: Capabilities | CapabilityList
  /**
   * Resource limits.
   */
  rlimits?: Rlimit[]
  /**
   * Set no_new_privs so that execve cannot raise privileges.
   */
  noNewPrivileges?: boolean
  /**
   * AppArmor profile of the process.
   */
  apparmorProfile?: string
  /**
   * Value for /proc/self/oom_score_adj.
   */
  oomScoreAdj?: number
  /**
   * SELinux process label.
   */
  selinuxLabel?: string
  ioPriority?: IoPriority
}
/**
 * Size of the terminal in characters.
 */
export interface ConsoleSize {
  height: number
  width: number
}
/**
 * Who the process runs as.
 */
export interface User {
  /**
   * User id (in the container's user namespace).
   */
  uid?: number
  /**
   * Group id.
   */
  gid?: number
  /**
   * File mode creation mask.
   */
  umask?: number
  /**
   * Supplementary group ids.
   */
  additionalGids?: number[]
  /**
   * User name (Windows only).
   */
  username?: string
}
/**
 * The capability sets of the container process (runtime-spec 1.0 and later): bounding limits what the process and its children can ever gain, effective is what the kernel checks, inheritable is kept across execve, permitted bounds effective, ambient is kept across execve of unprivileged programs.
 */
export interface Capabilities {
  bounding?: CapabilityList
  effective?: CapabilityList
  inheritable?: CapabilityList
  permitted?: CapabilityList
  ambient?: CapabilityList
}
/**
 * A resource limit applied with setrlimit.
 */
export interface Rlimit {
  /**
   * Resource name, e.g. RLIMIT_NOFILE.
   */
  type: string
  /**
   * Soft limit.
   */
  soft: number
  /**
   * Hard limit (ceiling of the soft limit).
   */
  hard: number
}
/**
 * I/O scheduling class and priority.
 */
export interface IoPriority {
  class: 'IOPRIO_CLASS_RT' | 'IOPRIO_CLASS_BE' | 'IOPRIO_CLASS_IDLE'
  priority?: number
}
/**
 * The container's root filesystem.
 */
export interface Root {
  /**
   * Path of the root filesystem, relative to the bundle (system containers: exactly "rootfs").
   */
  path: string
  /**
   * Mount the root filesystem read-only (system containers: true).
   */
  readonly?: boolean
}
/**
 * An additional mount inside the container.
 */
export interface Mount {
  /**
   * Mount point inside the container.
   */
  destination: string
  /**
   * Filesystem type (bind mounts: "bind").
   */
  type?: string
  /**
   * Device, host path (bind mounts) or a name for pseudo filesystems.
   */
  source?: string
  /**
   * mount(8) options, e.g. rbind, ro, nosuid.
   */
  options?: string[]
  /**
   * Id-mapped mount: user ids.
   */
  uidMappings?: IdMapping[]
  /**
   * Id-mapped mount: group ids.
   */
  gidMappings?: IdMapping[]
}
/**
 * Maps a range of ids inside a user namespace to ids outside it.
 */
export interface IdMapping {
  /**
   * First id inside the container.
   */
  containerID: number
  /**
   * First id on the host.
   */
  hostID: number
  /**
   * Number of ids in the range.
   */
  size: number
}
/**
 * Lifecycle hooks.
 */
export interface Hooks {
  /**
   * Deprecated: run after the namespaces exist, before pivot_root (use createRuntime).
   */
  prestart?: Hook[]
  /**
   * Run in the runtime namespace during create, after the environment is set up.
   */
  createRuntime?: Hook[]
  /**
   * Run in the container namespace during create, before pivot_root.
   */
  createContainer?: Hook[]
  /**
   * Run in the container namespace during start, before the user process.
   */
  startContainer?: Hook[]
  /**
   * Run in the runtime namespace after the user process started.
   */
  poststart?: Hook[]
  /**
   * Run in the runtime namespace after the container is deleted.
   */
  poststop?: Hook[]
}
/**
 * A program the runtime runs at a point of the container's life.
 */
export interface Hook {
  /**
   * Absolute path of the program (in the runtime's namespace).
   */
  path: string
  /**
   * Arguments, including argv[0].
   */
  args?: string[]
  /**
   * Environment in KEY=VALUE form.
   */
  env?: string[]
  /**
   * Seconds before the hook is aborted.
   */
  timeout?: number
}
/**
 * Linux-specific settings.
 */
export interface Linux {
  namespaces?: Namespace[]
  /**
   * User namespace uid mappings.
   */
  uidMappings?: IdMapping[]
  /**
   * User namespace gid mappings.
   */
  gidMappings?: IdMapping[]
  /**
   * Clock offsets for the time namespace (keys: monotonic, boottime).
   */
  timeOffsets?: {
    [k: string]: TimeOffset
  }
  /**
   * Device nodes to create (null in pre-1.0 templates means none).
   */
  devices?: Device[] | null
  cgroupsPath?: string
  resources?: Resources
  intelRdt?: IntelRdt
  /**
   * Kernel parameters to set.
   */
  sysctl?: {
    [k: string]: string
  }
  seccomp?: Seccomp
  /**
   * Propagation of the root mount (runc also accepts the r-prefixed forms).
   */
  rootfsPropagation?:
    '' | 'private' | 'shared' | 'slave' | 'unbindable' | 'rprivate' | 'rshared' | 'rslave' | 'runbindable'
  /**
   * Paths made inaccessible inside the container.
   */
  maskedPaths?: string[]
  /**
   * Paths made read-only inside the container.
   */
  readonlyPaths?: string[]
  /**
   * SELinux label of the container's mounts.
   */
  mountLabel?: string
  personality?: Personality
  /**
   * Pre-1.0 location of the capabilities: runc 1.1 ignores it (the process gets none). Lint warns; install moves it to process.capabilities.
   */
  capabilities?: Capabilities | CapabilityList
  /**
   * Pre-1.0 spelling of process.selinuxLabel: runc 1.1 ignores it.
   */
  selinuxProcessLabel?: string
  /**
   * Pre-1.0 location of process.rlimits: runc 1.1 ignores it.
   */
  rlimits?: Rlimit[]
  /**
   * Pre-1.0 location of process.apparmorProfile: runc 1.1 ignores it.
   */
  apparmorProfile?: string
}
/**
 * A namespace to create, or to join when path is set.
 */
export interface Namespace {
  type: 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'time'
  /**
   * Namespace file to join, e.g. /proc/1234/ns/net.
   */
  path?: string
}
/**
 * Offset of a clock in the time namespace.
 */
export interface TimeOffset {
  secs?: number
  nanosecs?: number
}
/**
 * A device node created inside the container.
 */
export interface Device {
  /**
   * c/u: character, b: block, p: FIFO.
   */
  type: 'c' | 'b' | 'u' | 'p'
  /**
   * Path inside the container.
   */
  path: string
  major?: number
  minor?: number
  /**
   * Permission bits of the node.
   */
  fileMode?: number
  uid?: number
  gid?: number
}
/**
 * cgroup limits.
 */
export interface Resources {
  /**
   * Device access rules, applied in order.
   */
  devices?: DeviceRule[]
  memory?: Memory
  cpu?: Cpu
  blockIO?: BlockIO
  hugepageLimits?: HugepageLimit[]
  network?: Network
  pids?: Pids
  /**
   * RDMA limits per device.
   */
  rdma?: {
    [k: string]: RdmaLimit
  }
  /**
   * cgroup v2 files and their values.
   */
  unified?: {
    [k: string]: string
  }
}
/**
 * A device cgroup allow or deny rule.
 */
export interface DeviceRule {
  allow: boolean
  /**
   * a: all, c: character, b: block.
   */
  type?: 'a' | 'c' | 'b'
  major?: number
  minor?: number
  /**
   * Any of r (read), w (write), m (mknod).
   */
  access?: string
}
/**
 * Memory cgroup settings (bytes; -1 means unlimited).
 */
export interface Memory {
  limit?: number
  reservation?: number
  swap?: number
  kernel?: number
  kernelTCP?: number
  swappiness?: number
  disableOOMKiller?: boolean
  useHierarchy?: boolean
  checkBeforeUpdate?: boolean
}
/**
 * CPU cgroup settings.
 */
export interface Cpu {
  shares?: number
  quota?: number
  burst?: number
  period?: number
  realtimeRuntime?: number
  realtimePeriod?: number
  /**
   * CPU list, e.g. 0-3,7.
   */
  cpus?: string
  /**
   * Memory node list.
   */
  mems?: string
  idle?: number
}
/**
 * Block I/O cgroup settings.
 */
export interface BlockIO {
  weight?: number
  leafWeight?: number
  weightDevice?: WeightDevice[]
  throttleReadBpsDevice?: ThrottleDevice[]
  throttleWriteBpsDevice?: ThrottleDevice[]
  throttleReadIOPSDevice?: ThrottleDevice[]
  throttleWriteIOPSDevice?: ThrottleDevice[]
}
/**
 * A block device and a value for it.
 */
export interface WeightDevice {
  major: number
  minor: number
  weight?: number
  leafWeight?: number
}
/**
 * A block device and a value for it.
 */
export interface ThrottleDevice {
  major: number
  minor: number
  rate?: number
}
/**
 * A hugetlb limit.
 */
export interface HugepageLimit {
  /**
   * Page size, e.g. 2MB.
   */
  pageSize: string
  limit: number
}
/**
 * Network classifier and priorities (net_cls, net_prio).
 */
export interface Network {
  classID?: number
  priorities?: InterfacePriority[]
}
/**
 * Priority of traffic on one interface.
 */
export interface InterfacePriority {
  name: string
  priority: number
}
/**
 * Process number limit.
 */
export interface Pids {
  limit?: number
}
/**
 * RDMA limit of one device.
 */
export interface RdmaLimit {
  hcaHandles?: number
  hcaObjects?: number
}
/**
 * Intel Resource Director Technology settings.
 */
export interface IntelRdt {
  closID?: string
  l3CacheSchema?: string
  memBwSchema?: string
  enableCMT?: boolean
  enableMBM?: boolean
}
/**
 * A seccomp filter. An empty defaultAction with no syscalls disables seccomp (pre-1.0 templates).
 */
export interface Seccomp {
  defaultAction:
    | 'SCMP_ACT_KILL'
    | 'SCMP_ACT_KILL_PROCESS'
    | 'SCMP_ACT_KILL_THREAD'
    | 'SCMP_ACT_TRAP'
    | 'SCMP_ACT_ERRNO'
    | 'SCMP_ACT_TRACE'
    | 'SCMP_ACT_ALLOW'
    | 'SCMP_ACT_LOG'
    | 'SCMP_ACT_NOTIFY'
    | ''
  defaultErrnoRet?: number
  /**
   * Architectures the filter covers (null in pre-1.0 templates means none).
   */
  architectures?:
    | (
        | 'SCMP_ARCH_X86'
        | 'SCMP_ARCH_X86_64'
        | 'SCMP_ARCH_X32'
        | 'SCMP_ARCH_ARM'
        | 'SCMP_ARCH_AARCH64'
        | 'SCMP_ARCH_MIPS'
        | 'SCMP_ARCH_MIPS64'
        | 'SCMP_ARCH_MIPS64N32'
        | 'SCMP_ARCH_MIPSEL'
        | 'SCMP_ARCH_MIPSEL64'
        | 'SCMP_ARCH_MIPSEL64N32'
        | 'SCMP_ARCH_PPC'
        | 'SCMP_ARCH_PPC64'
        | 'SCMP_ARCH_PPC64LE'
        | 'SCMP_ARCH_S390'
        | 'SCMP_ARCH_S390X'
        | 'SCMP_ARCH_PARISC'
        | 'SCMP_ARCH_PARISC64'
        | 'SCMP_ARCH_RISCV64'
        | 'SCMP_ARCH_LOONGARCH64'
        | 'SCMP_ARCH_M68K'
        | 'SCMP_ARCH_SH'
        | 'SCMP_ARCH_SHEB'
      )[]
    | null
  /**
   * Flags for seccomp(2).
   */
  flags?: (
    | 'SECCOMP_FILTER_FLAG_TSYNC'
    | 'SECCOMP_FILTER_FLAG_LOG'
    | 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'
    | 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'
  )[]
  /**
   * Unix socket that receives the notify file descriptor.
   */
  listenerPath?: string
  listenerMetadata?: string
  syscalls?: SyscallRule[]
}
/**
 * The action for a group of syscalls.
 */
export interface SyscallRule {
  /**
   * Syscall names.
   */
  names: string[]
  action:
    | 'SCMP_ACT_KILL'
    | 'SCMP_ACT_KILL_PROCESS'
    | 'SCMP_ACT_KILL_THREAD'
    | 'SCMP_ACT_TRAP'
    | 'SCMP_ACT_ERRNO'
    | 'SCMP_ACT_TRACE'
    | 'SCMP_ACT_ALLOW'
    | 'SCMP_ACT_LOG'
    | 'SCMP_ACT_NOTIFY'
  errnoRet?: number
  args?: SyscallArg[]
}
/**
 * A condition on one syscall argument.
 */
export interface SyscallArg {
  index: number
  value: number
  valueTwo?: number
  op:
    'SCMP_CMP_NE' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE' | 'SCMP_CMP_EQ' | 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ'
}
/**
 * Execution domain (personality(2)).
 */
export interface Personality {
  domain: 'LINUX' | 'LINUX32'
  flags?: string[]
}
/**
 * Pre-1.0 top-level platform: not part of runtime-spec 1.0, runc ignores it.
 */
export interface LegacyPlatform {
  os?: string
  arch?: string
}

/**
 * Linux capabilities by number (include/uapi/linux/capability.h), for
 * ALL_PROCESS_CAPABILITIES (atomic-semantics.md §1).
 */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
]

/**
 * The value of ALL_PROCESS_CAPABILITIES: capabilities up to `lastCap` (from
 * /proc/sys/kernel/cap_last_cap) that are in the bounding set `bound` (CapBnd of
 * /proc/self/status), each double-quoted, joined by ",\n", with a trailing newline.
 */
export function allProcessCapabilities(lastCap: number, bound: bigint): {value: string; dropped: string[]} {
  const kept: string[] = []
  const dropped: string[] = []
  CAPABILITIES.forEach((name, i) => {
    if (i > lastCap) return
    if ((bound >> BigInt(i)) & 1n) kept.push(name)
    else dropped.push(name)
  })
  return {value: kept.map((c) => `"${c}"`).join(',\n') + '\n', dropped}
}

/** A representative value for lint: everything up to CAP_AUDIT_READ except CAP_SYS_RESOURCE. */
export const SAMPLE_CAPABILITIES = allProcessCapabilities(37, ((1n << 38n) - 1n) & ~(1n << 24n)).value

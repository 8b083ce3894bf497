/**
 * Host values (atomic-semantics.md §1, system mode): the values the installer
 * supplies when neither --set nor (for UUID) the previous install gave one.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {randomUUID} from 'node:crypto'
import {allProcessCapabilities, CAPABILITIES} from '../exports/capabilities.js'

export interface CapabilityInfo {
  /** /proc/sys/kernel/cap_last_cap. */
  readonly lastCap: number
  /** CapBnd of /proc/self/status. */
  readonly bound: bigint
}

/** Read the kernel's last capability and this process's bounding set; falls back to the built-in table. */
export function readCapabilityInfo(proc = '/proc'): CapabilityInfo {
  let lastCap = CAPABILITIES.length - 1
  let bound = (1n << BigInt(CAPABILITIES.length)) - 1n
  try {
    lastCap = Number.parseInt(readFileSync(join(proc, 'sys/kernel/cap_last_cap'), 'utf8').trim(), 10)
  } catch {
    // keep the table
  }
  try {
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync(join(proc, 'self/status'), 'utf8'))
    if (m) bound = BigInt(`0x${m[1]}`)
  } catch {
    // keep everything
  }
  return {lastCap, bound}
}

export interface HostValueInput {
  readonly name: string
  /** --set values: RUN_DIRECTORY from --set feeds PIDFILE. */
  readonly set: Readonly<Record<string, string>>
  readonly runtime: string
  /** Absolute path of the sysbuild executable (the ATOMIC value). */
  readonly sysbuildPath: string
  readonly capabilities: CapabilityInfo
}

export interface HostValueResult {
  /** RUN_DIRECTORY, PIDFILE, CONF_DIRECTORY, STATE_DIRECTORY, ALL_PROCESS_CAPABILITIES, RUNTIME, ATOMIC. */
  readonly values: Record<string, string>
  /** Capabilities the kernel knows but this process may not grant (left out of ALL_PROCESS_CAPABILITIES). */
  readonly droppedCapabilities: string[]
}

export function hostValues(input: HostValueInput): HostValueResult {
  const runDirectory = input.set.RUN_DIRECTORY ?? '/run'
  const caps = allProcessCapabilities(input.capabilities.lastCap, input.capabilities.bound)
  return {
    values: {
      RUN_DIRECTORY: '/run',
      PIDFILE: `${runDirectory}/container-${input.name}.pid`,
      CONF_DIRECTORY: '/etc',
      STATE_DIRECTORY: '/var/lib',
      ALL_PROCESS_CAPABILITIES: caps.value,
      RUNTIME: input.runtime,
      ATOMIC: input.sysbuildPath,
    },
    droppedCapabilities: caps.dropped,
  }
}

/** A fresh v4 UUID (atomic: chosen once at first install, kept across updates). */
export const newUuid = (): string => randomUUID()

/** Forced uid/gid values: the installing process's ids, as integers. */
export function hostIds(): {HOST_UID: string; HOST_GID: string} {
  return {HOST_UID: String(process.getuid?.() ?? 0), HOST_GID: String(process.getgid?.() ?? 0)}
}

/**
 * Pre-1.0 runtime-spec shapes found in real system-container templates
 * (oci-checklist.md §3): how to recognise them, what runc 1.1 does with them, how to
 * fix them, and the normalisation install applies.
 */
import type {Capabilities, RuntimeConfig} from './generated/runtime-config.js'

export type LegacyShapeKind =
  | 'oci-version'
  | 'platform'
  | 'linux-capabilities'
  | 'process-capabilities-list'
  | 'selinux-process-label'
  | 'linux-rlimits'
  | 'linux-apparmor-profile'
  | 'null-list'
  | 'empty-seccomp'
  | 'empty-hooks'

export interface LegacyShape {
  readonly kind: LegacyShapeKind
  /** JSON pointer of the field. */
  readonly pointer: string
  /** What it is and what runc 1.1 does with it. */
  readonly message: string
  /** The concrete fix. */
  readonly hint: string
  /** `warning` when runc silently changes the meaning or refuses it; `info` when it is harmless. */
  readonly severity: 'warning' | 'info'
  /** Whether normaliseLegacyConfig rewrites it. */
  readonly normalised: boolean
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)
const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)

/** ociVersion 0.x and the 1.0.0 pre-releases (1.0.0-rc3, 1.0.0-rc2-dev, ...). */
export const isPreOneOciVersion = (v: string): boolean => /^0\./.test(v) || /^1\.0\.0-/.test(v)

const FOUR_SETS = '{"bounding": L, "effective": L, "inheritable": L, "permitted": L}'
const INSTALL_FIXES = 'sysbuild install converts it (with a warning)'

/** Every pre-1.0 shape in a parsed config, in document order of the checks. */
export function findLegacyShapes(config: unknown): LegacyShape[] {
  if (!isObj(config)) return []
  const out: LegacyShape[] = []
  const add = (s: LegacyShape): void => void out.push(s)
  const process = isObj(config.process) ? config.process : undefined
  const linux = isObj(config.linux) ? config.linux : undefined

  if (typeof config.ociVersion === 'string' && isPreOneOciVersion(config.ociVersion)) {
    add({
      kind: 'oci-version', pointer: '/ociVersion', severity: 'warning', normalised: false,
      message: `ociVersion "${config.ociVersion}" is a pre-1.0 runtime-spec version`,
      hint: 'fix the other pre-1.0 fields reported here, then set "ociVersion": "1.0.2" (or any 1.x)',
    })
  }
  if (has(config, 'platform')) {
    add({
      kind: 'platform', pointer: '/platform', severity: 'warning', normalised: true,
      message: 'the top-level "platform" object is not part of runtime-spec 1.0; runc ignores it',
      hint: 'delete "platform" (install drops it)',
    })
  }
  if (process && Array.isArray(process.capabilities)) {
    add({
      kind: 'process-capabilities-list', pointer: '/process/capabilities', severity: 'warning', normalised: true,
      message:
        'process.capabilities is a list (pre-1.0 shape); runc 1.1 refuses it: "json: cannot unmarshal array into Go struct field ' +
        'Process.process.capabilities of type specs.LinuxCapabilities"',
      hint: `write process.capabilities as ${FOUR_SETS} with the current list as L; ${INSTALL_FIXES}`,
    })
  }
  if (linux && has(linux, 'capabilities')) {
    const list = Array.isArray(linux.capabilities)
    add({
      kind: 'linux-capabilities', pointer: '/linux/capabilities', severity: 'warning', normalised: true,
      message: 'linux.capabilities is the pre-1.0 place for capabilities; runc 1.1 silently ignores it, so the process gets no capabilities',
      hint: list
        ? `move it to process.capabilities as ${FOUR_SETS} with the current list as L; ${INSTALL_FIXES}`
        : `move the object to process.capabilities unchanged; ${INSTALL_FIXES}`,
    })
  }
  if (linux && has(linux, 'selinuxProcessLabel')) {
    const label = linux.selinuxProcessLabel
    add({
      kind: 'selinux-process-label', pointer: '/linux/selinuxProcessLabel', severity: 'warning', normalised: true,
      message: 'linux.selinuxProcessLabel is the pre-1.0 spelling of process.selinuxLabel; runc 1.1 ignores it',
      hint: typeof label === 'string' && label !== '' ? 'use process.selinuxLabel instead (install moves it)' : 'delete it (it is empty; install drops it)',
    })
  }
  if (linux && Array.isArray(linux.rlimits)) {
    const used = linux.rlimits.length > 0
    add({
      kind: 'linux-rlimits', pointer: '/linux/rlimits', severity: used ? 'warning' : 'info', normalised: false,
      message: `linux.rlimits is the pre-1.0 place for resource limits; runc 1.1 ignores it${used ? ', so these limits are not applied' : ''}`,
      hint: used ? 'move the list to process.rlimits' : 'delete it',
    })
  }
  if (linux && typeof linux.apparmorProfile === 'string') {
    const used = linux.apparmorProfile !== ''
    add({
      kind: 'linux-apparmor-profile', pointer: '/linux/apparmorProfile', severity: used ? 'warning' : 'info', normalised: false,
      message: `linux.apparmorProfile is the pre-1.0 place for the AppArmor profile; runc 1.1 ignores it${used ? ', so the profile is not applied' : ''}`,
      hint: used ? 'move it to process.apparmorProfile' : 'delete it (it is empty)',
    })
  }
  const seccomp = linux && isObj(linux.seccomp) ? linux.seccomp : undefined
  for (const [pointer, v] of [['/linux/devices', linux?.devices], ['/linux/seccomp/architectures', seccomp?.architectures]] as const) {
    if (v === null) {
      add({
        kind: 'null-list', pointer, severity: 'info', normalised: false,
        message: `${pointer.slice(1).replace(/\//g, '.')} is null (pre-1.0 templates); runc reads it as an empty list`,
        hint: 'delete it, or write []',
      })
    }
  }
  if (seccomp && seccomp.defaultAction === '' && !(Array.isArray(seccomp.syscalls) && seccomp.syscalls.length > 0)) {
    add({
      kind: 'empty-seccomp', pointer: '/linux/seccomp', severity: 'info', normalised: false,
      message: 'linux.seccomp has an empty defaultAction and no syscalls; runc applies no seccomp filter',
      hint: 'delete linux.seccomp, or give a real filter (e.g. "defaultAction": "SCMP_ACT_ERRNO" with allowed syscalls)',
    })
  }
  if (isObj(config.hooks) && Object.keys(config.hooks).length === 0) {
    add({
      kind: 'empty-hooks', pointer: '/hooks', severity: 'info', normalised: false,
      message: 'hooks is an empty object (pre-1.0 templates); it has no effect',
      hint: 'delete it',
    })
  }
  return out
}

export interface NormalisedConfig {
  readonly config: RuntimeConfig
  /** One line per change, for the install output. */
  readonly warnings: string[]
}

const fourSets = (list: readonly unknown[]): Capabilities => ({
  bounding: list.map(String),
  effective: list.map(String),
  inheritable: list.map(String),
  permitted: list.map(String),
})

/**
 * Rewrite the pre-1.0 shapes runc 1.1 refuses or silently ignores (oci-checklist.md §3
 * "Normalisation at install"). The argument is not modified.
 *  - a capability list (process.capabilities or linux.capabilities) becomes
 *    process.capabilities with the list in bounding, effective, inheritable and permitted;
 *  - a linux.capabilities object moves to process.capabilities unchanged;
 *  - top-level platform is dropped; linux.selinuxProcessLabel is dropped, a non-empty one
 *    moving to process.selinuxLabel.
 * When process.capabilities is already an object, linux.capabilities is dropped.
 */
export function normaliseLegacyConfig(config: RuntimeConfig | Readonly<Record<string, unknown>>): NormalisedConfig {
  const c = structuredClone(config) as Obj
  const warnings: string[] = []
  const process = isObj(c.process) ? c.process : undefined
  const linux = isObj(c.linux) ? c.linux : undefined

  if (process && Array.isArray(process.capabilities)) {
    process.capabilities = fourSets(process.capabilities)
    warnings.push('process.capabilities was a list (pre-1.0): converted to an object with the list in bounding, effective, inheritable and permitted')
  }
  if (linux && has(linux, 'capabilities')) {
    const caps = linux.capabilities
    delete linux.capabilities
    if (!process) {
      warnings.push('linux.capabilities (pre-1.0) dropped: the config has no process object to move it to')
    } else if (isObj(process.capabilities)) {
      warnings.push('linux.capabilities (pre-1.0) dropped: process.capabilities is already set')
    } else if (Array.isArray(caps)) {
      process.capabilities = fourSets(caps)
      warnings.push('linux.capabilities (pre-1.0 list) moved to process.capabilities as bounding, effective, inheritable and permitted')
    } else if (isObj(caps)) {
      process.capabilities = caps
      warnings.push('linux.capabilities (pre-1.0) moved to process.capabilities')
    } else {
      warnings.push('linux.capabilities (pre-1.0) dropped: it is neither a list nor an object')
    }
  }
  if (has(c, 'platform')) {
    delete c.platform
    warnings.push('platform (not part of runtime-spec 1.0) dropped')
  }
  if (linux && has(linux, 'selinuxProcessLabel')) {
    const label = linux.selinuxProcessLabel
    delete linux.selinuxProcessLabel
    if (typeof label === 'string' && label !== '' && process && process.selinuxLabel === undefined) {
      process.selinuxLabel = label
      warnings.push('linux.selinuxProcessLabel (pre-1.0) moved to process.selinuxLabel')
    } else {
      warnings.push('linux.selinuxProcessLabel (pre-1.0) dropped')
    }
  }
  return {config: c as unknown as RuntimeConfig, warnings}
}

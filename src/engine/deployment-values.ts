/**
 * The complete value map of a deployment (atomic-semantics.md §1, §2, D17): --set,
 * host values, manifest defaults, UUID, then the forced values, which need the resolved
 * PIDFILE for pidfile mode. On update, earlier --set values and the UUID survive; host
 * values are recomputed and new defaults apply.
 */
import {isForcedVariable} from '../exports/variables.js'
import {resolveValues, type ValueSource} from '../exports/values.js'
import {execStrings} from './exec-strings.js'
import {hostIds, hostValues, newUuid, type CapabilityInfo} from './host-values.js'
import {valueSources, type Info} from './info-file.js'

export interface ValueInput {
  readonly name: string
  readonly destdir: string
  readonly imageName: string
  readonly imageId: string
  readonly set: Readonly<Record<string, string>>
  readonly defaults: Readonly<Record<string, string>>
  readonly runtime: string
  readonly sysbuildPath: string
  readonly capabilities: CapabilityInfo
  readonly systemdCgroup: boolean
  readonly pidfileMode: boolean
  /** The current deployment's info (update). */
  readonly previous?: Info
}

export interface DeploymentValues {
  readonly values: Record<string, string>
  readonly sources: Record<string, ValueSource>
  readonly warnings: string[]
  readonly droppedCapabilities: string[]
}

/** --set values that survive an update: earlier --set values (atomic's info files count as all --set). */
export function keptSetValues(previous: Info | undefined): Record<string, string> {
  if (!previous) return {}
  const sources = valueSources(previous)
  return Object.fromEntries(Object.entries(previous.values).filter(([k]) => sources[k] === 'set' && !isForcedVariable(k)))
}

export function deploymentValues(input: ValueInput): DeploymentValues {
  const set = {...keptSetValues(input.previous), ...input.set}
  const host = hostValues({name: input.name, set, runtime: input.runtime, sysbuildPath: input.sysbuildPath, capabilities: input.capabilities})
  const previousUuid = input.previous?.values.UUID
  const uuid = previousUuid ?? newUuid()
  const base = {set, host: host.values, defaults: input.defaults, uuid: () => uuid}
  const first = resolveValues(base)
  const exec = execStrings({
    runtime: input.runtime,
    name: input.name,
    systemdCgroup: input.systemdCgroup,
    ...(input.pidfileMode ? {pidfile: first.values.PIDFILE} : {}),
  })
  const forced = {
    DESTDIR: input.destdir,
    NAME: input.name,
    ...exec,
    ...hostIds(),
    IMAGE_NAME: input.imageName,
    IMAGE_ID: process.env.SYSBUILD_TEST_FORCE_IMAGE_ID ?? input.imageId,
  }
  const final = resolveValues({...base, forced})
  return {values: final.values, sources: final.sources, warnings: final.warnings, droppedCapabilities: host.droppedCapabilities}
}

/**
 * The values lint renders templates with: the manifest defaults, representative
 * host and forced values for a sample container name, and the user's `--set`.
 */
import {resolveValues, type ResolvedValues} from '../values.js'
import {templateVariables} from '../template.js'
import {SAMPLE_CAPABILITIES} from '../capabilities.js'

export interface SampleInput {
  readonly name: string
  readonly defaults: Readonly<Record<string, string>>
  readonly set: Readonly<Record<string, string>>
  /** The service template text (or undefined for the default unit), to choose pidfile mode. */
  readonly serviceText?: string
}

export const SAMPLE_RUNTIME = '/usr/bin/runc'

/** Pidfile mode (atomic-semantics.md §4.1): the unit uses both PIDFILE and EXEC_STOPPOST (either spelling). */
export function usesPidfileMode(serviceText: string | undefined): boolean {
  if (serviceText === undefined) return true
  const names = new Set(templateVariables(serviceText).map((v) => v.name))
  return names.has('PIDFILE') && names.has('EXEC_STOPPOST')
}

export function sampleValues(input: SampleInput): ResolvedValues {
  const name = input.name
  const pidfile = usesPidfileMode(input.serviceText)
  const runDir = input.set.RUN_DIRECTORY ?? '/run'
  const pidPath = input.set.PIDFILE ?? `${runDir}/container-${name}.pid`
  const R = SAMPLE_RUNTIME
  return resolveValues({
    set: input.set,
    host: {
      RUN_DIRECTORY: '/run',
      PIDFILE: pidPath,
      CONF_DIRECTORY: '/etc',
      STATE_DIRECTORY: '/var/lib',
      ALL_PROCESS_CAPABILITIES: SAMPLE_CAPABILITIES,
      RUNTIME: R,
      ATOMIC: '/usr/bin/sysbuild',
    },
    defaults: input.defaults,
    uuid: () => '00000000-0000-4000-8000-000000000000',
    forced: {
      DESTDIR: `/var/lib/containers/atomic/${name}.0`,
      NAME: name,
      EXEC_START: pidfile ? `${R} run -d --pid-file ${pidPath} '${name}'` : `${R} run '${name}'`,
      EXEC_STOP: pidfile ? '' : `${R} kill '${name}'`,
      EXEC_STARTPRE: '',
      EXEC_STOPPOST: pidfile ? `${R} delete '${name}'` : '',
      HOST_UID: '0',
      HOST_GID: '0',
      IMAGE_NAME: `${name}:latest`,
      IMAGE_ID: '0'.repeat(64),
    },
  })
}

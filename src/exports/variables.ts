/**
 * The template variable table (atomic-semantics.md §1) and the order in which
 * values are resolved (§2). Pure data: lint uses it now, install later.
 */

/** `forced`: always computed, `--set` cannot change it. `host`: computed by the installer when still missing. */
export type VariableClass = 'forced' | 'host'

export interface VariableInfo {
  readonly name: string
  readonly class: VariableClass
  readonly description: string
}

const forced = (name: string, description: string): VariableInfo => ({name, class: 'forced', description})
const host = (name: string, description: string): VariableInfo => ({name, class: 'host', description})

/** Forced variables, in the order atomic overwrote them (precedence step 5). */
export const FORCED_VARIABLES: readonly VariableInfo[] = [
  forced('DESTDIR', 'the deployment directory being written (<checkouts>/NAME.0 or NAME.1)'),
  forced('NAME', 'the container name'),
  forced('EXEC_START', 'the runtime command that starts the container'),
  forced('EXEC_STOP', 'the runtime command that stops the container (empty in pidfile mode)'),
  forced('EXEC_STARTPRE', 'always empty'),
  forced('EXEC_STOPPOST', "empty, or `<runtime> delete 'NAME'` in pidfile mode"),
  forced('HOST_UID', 'uid of the installing process'),
  forced('HOST_GID', 'gid of the installing process'),
  forced('IMAGE_NAME', 'the image reference given to install or update'),
  forced('IMAGE_ID', 'the manifest digest without the sha256: prefix'),
]

/** Host variables, in the order they are filled in when missing (precedence step 2). */
export const HOST_VARIABLES: readonly VariableInfo[] = [
  host('RUN_DIRECTORY', 'the run directory, /run'),
  host('PIDFILE', '<RUN_DIRECTORY>/container-<NAME>.pid'),
  host('CONF_DIRECTORY', 'the configuration directory, /etc'),
  host('STATE_DIRECTORY', 'the state directory, /var/lib'),
  host('ALL_PROCESS_CAPABILITIES', 'every capability the host allows, quoted, one per line, for a JSON array'),
  host('RUNTIME', 'absolute path of the OCI runtime'),
  host('ATOMIC', 'absolute path of the sysbuild executable'),
]

/** UUID is host-provided too, but filled in after the manifest defaults (precedence step 4). */
export const UUID_VARIABLE: VariableInfo = host('UUID', 'a random v4 UUID chosen at first install, kept across updates')

export const VARIABLES: readonly VariableInfo[] = [...FORCED_VARIABLES, ...HOST_VARIABLES, UUID_VARIABLE]

const BY_NAME = new Map(VARIABLES.map((v) => [v.name, v]))

export const variableInfo = (name: string): VariableInfo | undefined => BY_NAME.get(name)
export const isForcedVariable = (name: string): boolean => BY_NAME.get(name)?.class === 'forced'
export const isHostVariable = (name: string): boolean => BY_NAME.get(name)?.class === 'host'
/** Variables sysbuild always supplies (forced or host). */
export const isProvidedVariable = (name: string): boolean => BY_NAME.has(name)

/** EXEC_START, EXEC_STOP, EXEC_STARTPRE, EXEC_STOPPOST (atomic-semantics.md §4.2, single spaces: D3). */
export interface ExecStringInput {
  readonly runtime: string
  readonly name: string
  readonly systemdCgroup: boolean
  /** Pidfile mode (§4.1): the PIDFILE value; undefined for the plain form. */
  readonly pidfile?: string
}

export interface ExecStrings {
  readonly EXEC_START: string
  readonly EXEC_STOP: string
  readonly EXEC_STARTPRE: string
  readonly EXEC_STOPPOST: string
}

export function execStrings(input: ExecStringInput): ExecStrings {
  const r = [input.runtime, ...(input.systemdCgroup ? ['--systemd-cgroup'] : [])]
  const quoted = `'${input.name}'`
  if (input.pidfile !== undefined) {
    return {
      EXEC_START: [...r, 'run', '-d', '--pid-file', input.pidfile, quoted].join(' '),
      EXEC_STOP: '',
      EXEC_STARTPRE: '',
      EXEC_STOPPOST: [input.runtime, 'delete', quoted].join(' '),
    }
  }
  return {
    EXEC_START: [...r, 'run', quoted].join(' '),
    EXEC_STOP: [...r, 'kill', quoted].join(' '),
    EXEC_STARTPRE: '',
    EXEC_STOPPOST: '',
  }
}

/** Pidfile mode: the unit template uses both EXEC_STOPPOST and PIDFILE (either spelling, D15) and the runtime knows --pid-file. */
export const isPidfileMode = (unitVariables: ReadonlySet<string>, runtimeHasPidFile: boolean): boolean =>
  runtimeHasPidFile && unitVariables.has('EXEC_STOPPOST') && unitVariables.has('PIDFILE')

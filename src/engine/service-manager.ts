/**
 * systemctl and systemd-tmpfiles, as the engine uses them. Each command that changes
 * something is echoed (atomic printed them) before it runs; probes are not.
 *
 * - live: systemd is PID 1 and there is no --root: the real thing (daemon-reload,
 *   enable, start, stop, is-active).
 * - offline: anything else: enablement with `systemctl --root=R` (the symlinks only),
 *   tmpfiles with `systemd-tmpfiles --root=R`, no daemon-reload; sysbuild runs the
 *   container itself (runner.ts).
 */
import {existsSync} from 'node:fs'
import {execCapture, ExternalCommandError} from '../core/index.js'
import type {HostPaths} from './paths.js'
import type {Reporter} from './reporter.js'

export interface ServiceManager {
  readonly live: boolean
  /** argv of each operation, for running and for undo records. */
  argv(op: 'daemon-reload' | 'enable' | 'disable' | 'start' | 'stop' | 'tmpfiles-create' | 'tmpfiles-remove', arg?: string): string[] | undefined
  /** Echo and run; throws ExternalCommandError on failure unless `tolerate`. */
  run(argv: readonly string[] | undefined, opts?: {tolerate?: boolean; echo?: boolean}): Promise<boolean>
  isActive(name: string): Promise<boolean>
  isFailed(name: string): Promise<boolean>
}

/** Whether systemd manages services on this host (atomic-semantics.md §4.3). */
export const systemdIsRunning = (): boolean => existsSync('/run/systemd/system')

export function serviceManager(paths: HostPaths, reporter: Reporter, opts: {live?: boolean} = {}): ServiceManager {
  const live = opts.live ?? (paths.root === undefined && systemdIsRunning())
  const rootArg = `--root=${paths.root ?? '/'}`
  const argv: ServiceManager['argv'] = (op, arg = '') => {
    switch (op) {
      case 'daemon-reload':
        return live ? ['systemctl', 'daemon-reload'] : undefined
      case 'enable':
      case 'disable':
        return live ? ['systemctl', op, arg] : ['systemctl', rootArg, op, arg]
      case 'start':
      case 'stop':
        return live ? ['systemctl', op, arg] : undefined
      case 'tmpfiles-create':
      case 'tmpfiles-remove': {
        const flag = op === 'tmpfiles-create' ? '--create' : '--remove'
        return live ? ['systemd-tmpfiles', flag, arg] : ['systemd-tmpfiles', flag, rootArg, arg]
      }
    }
  }
  const run: ServiceManager['run'] = async (cmd, o = {}) => {
    if (!cmd) return true
    if (o.echo !== false) reporter.line(cmd.join(' '))
    const [c, ...args] = cmd
    const r = await execCapture(c!, args)
    if (r.status === 0) return true
    if (o.tolerate) return false
    throw new ExternalCommandError(c!, args, r.status, r.stderr)
  }
  const probe = async (verb: string, name: string): Promise<boolean> => {
    if (!live) return false
    const r = await execCapture('systemctl', [verb, name])
    return r.status === 0
  }
  return {live, argv, run, isActive: (n) => probe('is-active', n), isFailed: (n) => probe('is-failed', n)}
}

/**
 * The OCI runtime: which binary (atomic-semantics.md §4.3), whether it is installed,
 * and which flags it understands.
 */
import {existsSync, statSync} from 'node:fs'
import {isAbsolute, resolve} from 'node:path'
import {execCapture, findInPath, SysbuildError} from '../core/index.js'

export const DEFAULT_RUNTIME = '/usr/bin/runc'


export interface RuntimeChoice {
  /** --runtime. */
  readonly flag?: string
  /** `runtime` of the info file (update, rollback). */
  readonly fromInfo?: string
  readonly env?: NodeJS.ProcessEnv
}

/** --runtime, else info.runtime, else $RUNC_PATH, else `runc` in PATH, else /usr/bin/runc; always absolute. */
export function resolveRuntimePath(choice: RuntimeChoice = {}): string {
  const env = choice.env ?? process.env
  const pick = choice.flag ?? choice.fromInfo ?? env.RUNC_PATH
  if (pick) return isAbsolute(pick) ? pick : (pick.includes('/') ? resolve(pick) : (findInPath(pick, env.PATH) ?? resolve(pick)))
  return findInPath('runc', env.PATH) ?? DEFAULT_RUNTIME
}

export interface RuntimeFeatures {
  readonly path: string
  /** `R --help` mentions --systemd-cgroup. */
  readonly systemdCgroup: boolean
  /** `R run --help` mentions --pid-file (pidfile mode, §4.1). */
  readonly pidFile: boolean
}

/** Check that the runtime runs (`R --version`) and probe its flags. */
export async function probeRuntime(path: string): Promise<RuntimeFeatures> {
  const missing = (): SysbuildError =>
    new SysbuildError('SYSBUILD_ENGINE_RUNTIME_MISSING', `Cannot install the container: the runtime ${path} is not installed`, {
      suggestions: ['apt-get install runc', 'or pass --runtime PATH'],
    })
  if (!existsSync(path)) throw missing()
  let version
  try {
    version = await execCapture(path, ['--version'])
  } catch {
    throw missing()
  }
  if (version.status !== 0) throw missing()
  // The flags a binary understands do not change while it stays the same file.
  const st = statSync(path)
  const key = `${path}\0${st.ino}\0${st.size}\0${st.mtimeMs}`
  const known = probed.get(key)
  if (known) return known
  const help = await execCapture(path, ['--help'])
  const runHelp = await execCapture(path, ['run', '--help'])
  const features = {
    path,
    systemdCgroup: `${help.stdout}${help.stderr}`.includes('--systemd-cgroup'),
    pidFile: `${runHelp.stdout}${runHelp.stderr}`.includes('--pid-file'),
  }
  probed.set(key, features)
  return features
}

/** Flag probes per runtime binary (path, inode, size, mtime) for the life of the process. */
const probed = new Map<string, RuntimeFeatures>()

export type SystemdCgroupMode = 'auto' | 'always' | 'never'

/**
 * Whether EXEC_* carry --systemd-cgroup: the runtime knows the flag and systemd runs the
 * target (D16). Under --root the target's systemd cannot be seen, so `auto` means no.
 */
export function useSystemdCgroup(features: RuntimeFeatures, mode: SystemdCgroupMode, systemdRunning: boolean): boolean {
  if (mode === 'never') return false
  if (mode === 'always') return features.systemdCgroup
  return features.systemdCgroup && systemdRunning
}

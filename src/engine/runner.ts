/**
 * start, stop and status (issue §4). When systemd runs the unit (live), through
 * systemctl; otherwise sysbuild runs the active deployment itself: `runc run -d` with a
 * pid file, the container's output in a log file, both in the container's run dir.
 * Stop sends SIGTERM, then SIGKILL after a timeout, then deletes the container.
 */
import {closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync} from 'node:fs'
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {SysbuildError} from '../core/index.js'
import {readActive} from './active.js'
import {containerPaths, hostPaths, type HostPaths} from './paths.js'
import {silentReporter, type Reporter} from './reporter.js'
import {runcFor, runcRun, runcState, type Runc} from './runc.js'
import {runtimeBundle} from './runtime-bundle.js'
import {serviceManager} from './service-manager.js'

export interface RunnerOptions {
  readonly root?: string
  readonly checkoutPath?: string
  readonly name: string
  readonly reporter?: Reporter
  /** Stop: how long to wait after SIGTERM before SIGKILL (default 10 s). */
  readonly timeoutMs?: number
}

export type ContainerState = 'running' | 'stopped' | 'failed' | 'no service'

export interface ContainerStatus {
  readonly name: string
  readonly state: ContainerState
  readonly pid?: number
  readonly manager: 'systemd' | 'sysbuild'
  readonly deployment: string
  readonly image: string
  readonly log?: string
}

const LOG = 'log'
const PIDFILE = 'pid'

/** The log file of a container sysbuild runs itself. */
export const containerLogPath = (paths: HostPaths, name: string): string => join(containerPaths(paths, name).run, LOG)

async function setup(opts: RunnerOptions) {
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const active = await readActive(paths, opts.name)
  const reporter = opts.reporter ?? silentReporter
  const sm = serviceManager(paths, reporter)
  const runc = runcFor(paths, active.info.runtime)
  return {paths, active, reporter, sm, runc, run: containerPaths(paths, opts.name).run}
}

export async function startContainer(opts: RunnerOptions): Promise<ContainerStatus> {
  const {paths, active, reporter, sm, runc, run} = await setup(opts)
  if (!active.info['has-container-service']) {
    throw new SysbuildError('SYSBUILD_ENGINE_NOT_RUNNING', `${opts.name} has no container service (noContainerService): there is nothing to start`)
  }
  if (sm.live) {
    await sm.run(sm.argv('start', opts.name))
    return statusContainer(opts)
  }
  const state = await runcState(runc, opts.name)
  if (state?.status === 'running') {
    reporter.line(`${opts.name} is already running`)
    return statusContainer(opts)
  }
  if (state) await runcRun(runc, ['delete', '--force', opts.name])
  mkdirSync(run, {recursive: true})
  rmSync(join(run, PIDFILE), {force: true})
  const bundle = await runtimeBundle(paths, active.dir, run)
  const log = join(run, LOG)
  const logStart = fileSize(log)
  const fd = openSync(log, 'a', 0o640)
  let code: number | null
  try {
    const child = spawn(runc.path, [...runc.global, 'run', '--detach', '--pid-file', join(run, PIDFILE), '--bundle', bundle, opts.name], {
      cwd: active.dir,
      stdio: ['ignore', fd, fd],
    })
    code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', resolve)
    })
  } finally {
    closeSync(fd)
  }
  // A container that dies at once is a failed start, as systemd would see it.
  const after = code === 0 ? await settle(runc, opts.name) : undefined
  if (after?.status !== 'running') {
    const tail = readTail(log, logStart)
    throw new SysbuildError('SYSBUILD_ENGINE_START_FAILED', `${opts.name} did not start${code !== 0 ? ` (runc exit ${code})` : ''}${tail ? `:\n${tail}` : ''}`, {
      file: log,
      suggestions: [`sysbuild logs ${opts.name}`],
    })
  }
  reporter.line(`Started ${opts.name} (pid ${after.pid})`)
  return {name: opts.name, deployment: active.destdir, image: active.info.image, state: 'running', manager: 'sysbuild', pid: after.pid, log}
}

/** The state 300 ms after the start, unless the container is already gone. */
async function settle(runc: Runc, name: string) {
  const state = await runcState(runc, name)
  if (state?.status !== 'running') return state
  await sleep(300)
  return runcState(runc, name)
}

export async function stopContainer(opts: RunnerOptions): Promise<ContainerStatus> {
  const {reporter, sm, runc, run} = await setup(opts)
  if (sm.live) {
    await sm.run(sm.argv('stop', opts.name))
    return statusContainer(opts)
  }
  await stopRunc(runc, opts.name, opts.timeoutMs ?? 10_000, reporter)
  rmSync(join(run, PIDFILE), {force: true})
  rmSync(join(run, 'bundle'), {recursive: true, force: true})
  return statusContainer(opts)
}

/** SIGTERM, wait, SIGKILL, wait, delete. Quiet when runc does not know the container. */
export async function stopRunc(runc: Runc, name: string, timeoutMs: number, reporter: Reporter): Promise<void> {
  let state = await runcState(runc, name)
  if (!state) return
  if (state.status === 'running' || state.status === 'paused' || state.status === 'created') {
    await runcRun(runc, ['kill', name, 'TERM'], {okCodes: [0, 1]})
    state = await waitStopped(runc, name, timeoutMs)
    if (state && state.status !== 'stopped') {
      reporter.warn(`${name} did not stop within ${Math.round(timeoutMs / 1000)} s of SIGTERM: sending SIGKILL`)
      await runcRun(runc, ['kill', name, 'KILL'], {okCodes: [0, 1]})
      await waitStopped(runc, name, 5_000)
    }
  }
  await runcRun(runc, ['delete', '--force', name], {okCodes: [0, 1]})
}

async function waitStopped(runc: Runc, name: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs
  let state = await runcState(runc, name)
  // Most containers stop within a few milliseconds of the signal: look again soon, then every 100 ms.
  for (let wait = 20; state && state.status !== 'stopped' && Date.now() < until; wait = Math.min(wait * 2, 100)) {
    await sleep(wait)
    state = await runcState(runc, name)
  }
  return state
}

export async function statusContainer(opts: RunnerOptions): Promise<ContainerStatus> {
  const {paths, active, sm, runc} = await setup(opts)
  const base = {name: opts.name, deployment: active.destdir, image: active.info.image}
  if (!active.info['has-container-service']) return {...base, state: 'no service', manager: sm.live ? 'systemd' : 'sysbuild'}
  if (sm.live) {
    const state: ContainerState = (await sm.isActive(opts.name)) ? 'running' : (await sm.isFailed(opts.name)) ? 'failed' : 'stopped'
    return {...base, state, manager: 'systemd'}
  }
  const s = await runcState(runc, opts.name)
  // A container sysbuild stopped is deleted; one that runc still knows as stopped ended on its own.
  const state: ContainerState = s?.status === 'running' ? 'running' : s ? 'failed' : 'stopped'
  return {...base, state, manager: 'sysbuild', ...(s?.status === 'running' ? {pid: s.pid} : {}), log: containerLogPath(paths, opts.name)}
}

const fileSize = (p: string): number => {
  try {
    return statSync(p).size
  } catch {
    return 0
  }
}

function readTail(path: string, from: number): string {
  try {
    const text = readFileSync(path).subarray(from).toString('utf8').trim()
    return text.split('\n').slice(-10).join('\n')
  } catch {
    return ''
  }
}

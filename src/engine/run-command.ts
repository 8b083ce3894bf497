/**
 * `sysbuild run NAME [-- CMD…]` (atomic-semantics.md §18): no command starts the
 * service; a command runs in the running container (`runc exec`), or, when it is not
 * running, in a temporary container made from the deployment's config.json with its own
 * id (NAME-run-<pid>) so it cannot collide with the service. An image reference instead
 * of a name runs that image once (run-image.ts), its templates rendered with `--set`
 * values as install renders them; a container keeps the values it was installed with.
 */
import {spawn} from 'node:child_process'
import {mkdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {readActive} from './active.js'
import {isServiceRunning} from './container-state.js'
import type {EngineOptions} from './install.js'
import {containerPaths, hostPaths, targetPath} from './paths.js'
import {silentReporter} from './reporter.js'
import {runcFor, runcRun} from './runc.js'
import {namesImage, runImage} from './run-image.js'
import {runtimeBundle} from './runtime-bundle.js'
import {startContainer} from './runner.js'
import {serviceManager} from './service-manager.js'

export interface RunOptions extends EngineOptions {
  readonly name: string
  readonly command: readonly string[]
  readonly detach?: boolean
  /** Allocate a terminal (default: whether stdin is a TTY). */
  readonly tty?: boolean
  /** `--set` values for the templates of an image run once (as install takes them); refused for a container. */
  readonly set?: Readonly<Record<string, string>>
}

export interface RunResult {
  readonly name: string
  /** `image`: NAME named an image, run once as `run-once-<pid>`. */
  readonly mode: 'started' | 'exec' | 'temporary' | 'image'
  readonly exitCode: number
}

const foreground = (cmd: string, args: readonly string[], cwd?: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {cwd, stdio: 'inherit'})
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })

export async function runInContainer(opts: RunOptions): Promise<RunResult> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  if (namesImage(opts.name, opts)) {
    if (opts.detach) throw new SysbuildError('SYSBUILD_ENGINE_NOT_RUNNING', 'Cannot use --detach with not running containers')
    const ran = await runImage({...opts, image: opts.name, reporter})
    return {name: ran.id, mode: 'image', exitCode: ran.exitCode}
  }
  if (Object.keys(opts.set ?? {}).length > 0) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `--set applies to an image run once, not to the installed container '${opts.name}'`, {
      suggestions: [`sysbuild update ${opts.name} --set NAME=VALUE changes its values`, 'sysbuild run IMAGE --set NAME=VALUE runs an image once with them'],
    })
  }
  if (opts.command.length === 0) {
    await startContainer({...opts, reporter})
    return {name: opts.name, mode: 'started', exitCode: 0}
  }
  const active = await readActive(paths, opts.name)
  const sm = serviceManager(paths, reporter)
  const runc = runcFor(paths, active.info.runtime)
  const tty = opts.tty ?? Boolean(process.stdin.isTTY)
  if (await isServiceRunning(paths, sm, opts.name, active.info)) {
    const args = [...runc.global, 'exec', ...(tty ? ['--tty'] : []), ...(opts.detach ? ['--detach'] : []), opts.name, ...opts.command]
    return {name: opts.name, mode: 'exec', exitCode: await foreground(runc.path, args)}
  }
  if (opts.detach) throw new SysbuildError('SYSBUILD_ENGINE_NOT_RUNNING', 'Cannot use --detach with not running containers')
  const id = `${opts.name}-run-${process.pid}`
  const dir = join(containerPaths(paths, opts.name).run, '..', id)
  mkdirSync(dir, {recursive: true})
  try {
    let sources: string[] = []
    const bundle = await runtimeBundle(paths, active.dir, dir, (config) => {
      const mounts = Array.isArray(config.mounts) ? (config.mounts as {type?: string; source?: string}[]) : []
      sources = mounts.filter((m) => (m.type ?? '').includes('bind') && typeof m.source === 'string').map((m) => m.source!)
      const proc = (config.process ?? {}) as Record<string, unknown>
      return {...config, process: {...proc, args: [...opts.command], terminal: tty}}
    })
    // Bind sources under /run are normally made by tmpfiles at boot; make missing ones, as atomic did.
    for (const real of sources) if (/^\/(var\/)?run\//.test(targetPath(paths, real))) mkdirSync(real, {recursive: true})
    const code = await foreground(runc.path, [...runc.global, 'run', '--bundle', bundle, id], active.dir)
    await runcRun(runc, ['delete', '--force', id], {okCodes: [0, 1]}).catch(() => '')
    return {name: opts.name, mode: 'temporary', exitCode: code}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

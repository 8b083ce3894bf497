/**
 * `sysbuild run IMAGE [CMD…]` (atomic-semantics.md §18): an argument that names an image
 * rather than an installed container is pulled (or taken from the local store) and run
 * once in the foreground as `run-once-<pid>`, through the run-once path (§12): a temporary
 * bundle, nothing installed, nothing left behind. The exit status is the container's.
 */
import {activeLink} from './active.js'
import {readCapabilityInfo} from './host-values.js'
import {resolveImage} from './image-source.js'
import {sysbuildExecutable, type EngineOptions} from './install.js'
import {hasRegistryComponent} from './names.js'
import {hostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {runOnce} from './run-once.js'
import {probeRuntime, resolveRuntimePath} from './runtime.js'

export interface RunImageOptions extends EngineOptions {
  readonly image: string
  readonly command: readonly string[]
  readonly set?: Readonly<Record<string, string>>
  readonly runtime?: string
}

/** An image reference, not a container: it has a registry or a `:` and no container has that name. */
export function namesImage(arg: string, opts: EngineOptions = {}): boolean {
  if (!hasRegistryComponent(arg) && !arg.includes(':')) return false
  try {
    return activeLink(hostPaths({root: opts.root, checkoutPath: opts.checkoutPath}), arg) === undefined
  } catch {
    return true
  }
}

export async function runImage(opts: RunImageOptions): Promise<{readonly id: string; readonly exitCode: number}> {
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const runtime = await probeRuntime(resolveRuntimePath({flag: opts.runtime}))
  const image = await resolveImage(opts.image, {root: opts.root})
  const id = `run-once-${process.pid}`
  const result = await runOnce({
    paths, name: id, id, image, set: opts.set ?? {}, runtime, sysbuildPath: sysbuildExecutable(opts), capabilities: readCapabilityInfo(),
    systemdCgroup: false, reporter: opts.reporter ?? silentReporter, dryRun: false, command: opts.command,
  })
  return {id, exitCode: result.exitCode}
}

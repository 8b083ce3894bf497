/**
 * The bundle sysbuild hands to runc when it runs a deployment itself. On the real host
 * that is the deployment dir. Under --root the deployment was rendered for the target
 * host, so a copy of its config.json in the run dir points runc at the real rootfs and
 * resolves absolute bind-mount sources under the root, as the target host would see them.
 */
import {readFileSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'
import {writeFileAtomic, SysbuildError} from '../core/index.js'
import type {HostPaths} from './paths.js'

interface Mount {
  type?: string
  source?: string
  options?: string[]
}

const isBind = (m: Mount): boolean => (m.type ?? '').includes('bind') || (m.options ?? []).some((o) => o.includes('bind'))

/** Returns the bundle dir to pass to `runc --bundle`. */
export async function runtimeBundle(paths: HostPaths, deployment: string, runDir: string, transform?: (config: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
  if (paths.root === undefined && !transform) return deployment
  let config: Record<string, unknown>
  try {
    config = JSON.parse(readFileSync(join(deployment, 'config.json'), 'utf8')) as Record<string, unknown>
  } catch (e) {
    throw new SysbuildError('SYSBUILD_ENGINE_INVALID_CONFIG', `Invalid json in configuration file: ${join(deployment, 'config.json')}.`, {}, e)
  }
  const root = (config.root ?? {}) as {path?: string; readonly?: boolean}
  const rootPath = root.path ?? 'rootfs'
  const mounts = Array.isArray(config.mounts) ? (config.mounts as Mount[]) : []
  const rebased = {
    ...config,
    root: {...root, path: isAbsolute(rootPath) ? paths.real(rootPath) : join(deployment, rootPath)},
    mounts: mounts.map((m) => (isBind(m) && m.source && isAbsolute(m.source) && paths.root !== undefined ? {...m, source: paths.real(m.source)} : m)),
  }
  const bundle = join(runDir, 'bundle')
  await writeFileAtomic(join(bundle, 'config.json'), JSON.stringify(transform ? transform(rebased) : rebased, null, 2))
  return bundle
}

/**
 * `sysbuild containers` (atomic-semantics.md §14): one entry per installed name, with
 * atomic's columns and states plus `broken` for anything incomplete (D4): a missing or
 * invalid info, a dangling link, a lone NAME.0.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {activeLink} from './active.js'
import {isServiceRunning} from './container-state.js'
import {listDir} from './fs-util.js'
import {readInfo, type Info} from './info-file.js'
import type {EngineOptions} from './install.js'
import {hostPaths, type HostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {runcFor, runcState} from './runc.js'
import {serviceManager, type ServiceManager} from './service-manager.js'
import {CONTAINER_FILTER_KEYS, type ContainerEntry} from './containers-table.js'

export interface ListOptions extends EngineOptions {
  readonly all?: boolean
  /** KEY=VALUE filters (case-insensitive substring). */
  readonly filters?: readonly string[]
}

/** Names under the checkout root: each `NAME` link, and NAME for a lone NAME.0/NAME.1 (a broken leftover). */
export function containerNames(paths: HostPaths): string[] {
  const entries = listDir(paths.checkouts).filter((e) => !e.startsWith('.'))
  return [...new Set(entries.map((e) => (/\.[01]$/.test(e) ? e.slice(0, -2) : e)))].sort()
}

const pad2 = (n: number): string => String(n).padStart(2, '0')
export const formatCreated = (seconds: number): string => {
  const d = new Date(seconds * 1000)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

async function entryOf(paths: HostPaths, sm: ServiceManager, name: string): Promise<ContainerEntry> {
  const broken = (extra: Partial<ContainerEntry> = {}): ContainerEntry => ({
    id: name, image_id: '', image_name: '', name, command: '', created: '', state: 'broken', backend: 'sysbuild', runtime: '', vulnerable: false, running: false, ...extra,
  })
  let info: Info
  let dir: string
  try {
    const link = activeLink(paths, name)
    if (!link) return broken()
    dir = link.dir
    info = await readInfo(dir)
  } catch {
    return broken()
  }
  let command = ''
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {process?: {args?: string[]}}
    command = (config.process?.args ?? []).join(' ')
  } catch {
    // noContainerService deployments may have no runnable config
  }
  let state: ContainerEntry['state']
  if (!info['has-container-service']) state = 'no service'
  else if (await isServiceRunning(paths, sm, name, info)) state = 'running'
  else if (sm.live ? await sm.isFailed(name) : Boolean(await runcState(runcFor(paths, info.runtime), name).catch(() => undefined))) state = 'failed'
  else state = 'inactive'
  return {
    id: name,
    image_id: info.revision,
    image_name: info.image,
    name,
    command,
    created: formatCreated(info.created),
    state,
    backend: 'sysbuild',
    runtime: info.runtime,
    vulnerable: false,
    running: state === 'running',
  }
}

const FIELD: Record<(typeof CONTAINER_FILTER_KEYS)[number], keyof ContainerEntry> = {
  container: 'id', image: 'image_name', command: 'command', created: 'created', state: 'state', runtime: 'runtime', backend: 'backend',
}

export async function listContainers(opts: ListOptions = {}): Promise<ContainerEntry[]> {
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const filters = (opts.filters ?? []).map((f) => {
    const eq = f.indexOf('=')
    const key = (eq === -1 ? f : f.slice(0, eq)).toLowerCase()
    if (!(CONTAINER_FILTER_KEYS as readonly string[]).includes(key)) {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `The filter ${key} is not valid.  Please choose from [${CONTAINER_FILTER_KEYS.map((k) => `'${k}'`).join(', ')}]`)
    }
    return {field: FIELD[key as (typeof CONTAINER_FILTER_KEYS)[number]], value: eq === -1 ? '' : f.slice(eq + 1).toLowerCase()}
  })
  const sm = serviceManager(paths, opts.reporter ?? silentReporter)
  const entries = await Promise.all(containerNames(paths).map((n) => entryOf(paths, sm, n)))
  return entries
    .filter((e) => opts.all || e.state !== 'inactive')
    .filter((e) => filters.every((f) => String(e[f.field]).toLowerCase().includes(f.value)))
}

/** The active deployment of a container: `<checkouts>/NAME` → `NAME.0|1`, and its info. */
import {lstatSync, readlinkSync} from 'node:fs'
import {SysbuildError} from '../core/index.js'
import {readInfo, type Info} from './info-file.js'
import {slotOf} from './names.js'
import {containerPaths, type HostPaths, type Slot} from './paths.js'

export interface ActiveLink {
  readonly slot: Slot
  /** Real path of the deployment. */
  readonly dir: string
  /** Target spelling (DESTDIR). */
  readonly destdir: string
}

export interface ActiveDeployment extends ActiveLink {
  readonly name: string
  readonly info: Info
}

/** Where `<checkouts>/NAME` points; undefined when there is no link; throws when it is not one of NAME.0/NAME.1. */
export function activeLink(paths: HostPaths, name: string): ActiveLink | undefined {
  const cp = containerPaths(paths, name)
  let st
  try {
    st = lstatSync(cp.link)
  } catch {
    return undefined
  }
  const target = st.isSymbolicLink() ? readlinkSync(cp.link) : undefined
  const slot = target === undefined ? undefined : slotOf(name, target)
  if (slot === undefined) {
    throw new SysbuildError('SYSBUILD_ENGINE_BROKEN', `${cp.link} is not a link to ${name}.0 or ${name}.1`, {
      suggestions: [`sysbuild uninstall ${name} removes what is left`],
    })
  }
  return {slot, dir: cp.deployment(slot), destdir: cp.deploymentTarget(slot)}
}

/** The active deployment and its info. Not installed → `System container 'NAME' is not installed`. */
export async function readActive(paths: HostPaths, name: string): Promise<ActiveDeployment> {
  const link = activeLink(paths, name)
  if (!link) {
    throw new SysbuildError('SYSBUILD_ENGINE_NOT_INSTALLED', `System container '${name}' is not installed`, {
      suggestions: ['sysbuild containers --all lists what is installed'],
    })
  }
  const info = await readInfo(link.dir)
  return {...link, name, info}
}


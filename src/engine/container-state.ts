/** Whether a container's service runs now: systemctl is-active when systemd runs it, else runc's state. */
import type {Info} from './info-file.js'
import type {HostPaths} from './paths.js'
import {runcFor, runcState} from './runc.js'
import type {ServiceManager} from './service-manager.js'

export async function isServiceRunning(paths: HostPaths, sm: ServiceManager, name: string, info: Info | undefined): Promise<boolean> {
  if (info && !info['has-container-service']) return false
  if (sm.live) return sm.isActive(name)
  const state = await runcState(runcFor(paths, info?.runtime ?? '/usr/bin/runc'), name).catch(() => undefined)
  return state?.status === 'running'
}

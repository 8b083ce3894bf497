import {existsSync} from 'node:fs'
import {posix} from 'node:path'
import {normalizeHostPath} from '../../hostfs.js'
import {defineRule, type RuleFinding} from '../types.js'
import {hostfsModel, hostfsPresence} from '../hostfs-model.js'
import {hostfsDestinations} from '../manifest-hostfs.js'

export const hostfsDanglingSymlink = defineRule({
  id: 'hostfs/dangling-symlink',
  severity: 'error',
  description:
    'A symlink under /exports/hostfs points nowhere (install of such links failed in openshift/openshift-ansible#4898). Install recreates links as they are, so targets are host paths: a relative target must resolve to something hostfs installs (error otherwise); an absolute target is fine when hostfs installs it or it exists on this machine, else a warning, since the target host may still have it.',
  check: (ctx) => {
    const model = hostfsModel(ctx)
    const dests = hostfsDestinations(ctx)
    const destSet = new Set(dests.values())
    const opaqueDests = [...model.items.values()].filter((i) => i.opaque).map((i) => dests.get(i.path)!)
    const installed = (hostPath: string): boolean =>
      destSet.has(hostPath) || [...destSet].some((d) => d.startsWith(hostPath + '/')) || opaqueDests.some((d) => d === '/' || hostPath.startsWith(d + '/'))
    const inTree = (p: string): boolean => hostfsPresence(model, p) !== 'no'
    return [...model.items.values()].flatMap((item): RuleFinding[] => {
      if (item.kind !== 'symlink' || item.target === undefined) return []
      const at = {file: item.shown, ...(item.line === undefined ? {} : {line: item.line})}
      if (posix.isAbsolute(item.target)) {
        const t = normalizeHostPath(item.target)
        if (installed(t) || inTree(t) || existsSync(t)) return []
        return [
          {
            ...at,
            severity: 'warning',
            message: `Symlink hostfs${item.path} points to '${item.target}', which hostfs does not install and this machine does not have`,
            hint: `The link is created on the host as it is: make sure every target host has ${t}, or ship the file in exports/hostfs`,
          },
        ]
      }
      const fromTree = normalizeHostPath(posix.join(posix.dirname(item.path), item.target))
      const dest = dests.get(item.path) ?? item.path
      const fromHost = normalizeHostPath(posix.join(posix.dirname(dest), item.target))
      if (inTree(fromTree) || installed(fromHost)) return []
      return [
        {
          ...at,
          message: `Symlink hostfs${item.path} points to '${item.target}', which resolves to ${fromHost} on the host: nothing in hostfs provides it`,
          hint: 'Fix the relative target, add the file to exports/hostfs, or use an absolute target for a file the host provides',
        },
      ]
    })
  },
})

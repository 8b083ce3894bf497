import {posix} from 'node:path'
import {normalizeHostPath} from '../../hostfs.js'
import {defineRule} from '../types.js'
import {hostfsModel, hostfsPresence} from '../hostfs-model.js'
import {manifestHostfs} from '../manifest-hostfs.js'

export const hostfsRenameSourceMissing = defineRule({
  id: 'hostfs/rename-source-missing',
  severity: 'error',
  description:
    'A manifest.json renameFiles key matches no path in /exports/hostfs (keys are matched component by component, so a directory key renames everything below it); the rename can never apply. Paths written by RUN commands lint cannot follow count as present.',
  check: (ctx) => {
    const model = hostfsModel(ctx)
    const file = ctx.file('manifest.json')?.shown ?? ctx.shownPath('manifest.json')
    return manifestHostfs(ctx).renames.flatMap((r) => {
      const key = normalizeHostPath(r.key)
      if (hostfsPresence(model, key) !== 'no') return []
      const parent = posix.dirname(key)
      const siblings = [...model.items.keys()].filter((p) => p !== '/' && posix.dirname(p) === parent).slice(0, 5)
      const none = model.items.size === 0
      return [
        {
          file,
          ...(r.line === undefined ? {} : {line: r.line}),
          message: `renameFiles key '${r.key}' matches nothing in /exports/hostfs${none ? ' (the image has no /exports/hostfs)' : ''}`,
          hint: siblings.length
            ? `hostfs has ${siblings.map((s) => `'${s}'`).join(', ')} in ${parent}; keys are host paths as in hostfs, before renaming`
            : `Add the file under exports/hostfs${key}, or remove the key`,
        },
      ]
    })
  },
})

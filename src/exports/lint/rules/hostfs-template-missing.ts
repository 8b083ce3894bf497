import {posix} from 'node:path'
import {normalizeHostPath} from '../../hostfs.js'
import {defineRule, type RuleFinding} from '../types.js'
import {hostfsModel, hostfsPresence} from '../hostfs-model.js'
import {hostfsDestinations, manifestHostfs} from '../manifest-hostfs.js'

const under = (p: string, dir: string): boolean => p === dir || dir === '/' || p.startsWith(dir + '/')

export const hostfsTemplateMissing = defineRule({
  id: 'hostfs/template-missing',
  severity: 'error',
  description:
    'A manifest.json installedFilesTemplate entry names no hostfs file at that final (renamed) host destination, so nothing is rendered. Paths written by RUN commands lint cannot follow count as present.',
  check: (ctx) => {
    const model = hostfsModel(ctx)
    const dests = hostfsDestinations(ctx)
    const {renames, templates} = manifestHostfs(ctx)
    const file = ctx.file('manifest.json')?.shown ?? ctx.shownPath('manifest.json')
    // Destinations that may exist: below opaque items, and renames of keys that may exist.
    const maybe = [
      ...[...model.items.values()].filter((i) => i.opaque).map((i) => dests.get(i.path)!),
      ...renames.filter((r) => hostfsPresence(model, normalizeHostPath(r.key)) === 'maybe').map((r) => normalizeHostPath(r.rendered)),
    ]
    return templates.flatMap((t): RuleFinding[] => {
      const want = normalizeHostPath(t.path)
      const at = {file, ...(t.line === undefined ? {} : {line: t.line})}
      const hits = [...dests].filter(([, d]) => d === want).map(([p]) => model.items.get(p)!)
      if (hits.some((i) => i.kind !== 'dir')) return []
      if (hits.length) return [{...at, message: `installedFilesTemplate entry '${t.path}' is a directory in hostfs, not a file`, hint: 'List files only: each is rendered as a template'}]
      if (maybe.some((d) => under(want, d))) return []
      const renamedAway = model.items.has(want) ? dests.get(want) : undefined
      const sameName = [...dests.values()].filter((d) => posix.basename(d) === posix.basename(want)).slice(0, 3)
      return [
        {
          ...at,
          message: `installedFilesTemplate entry '${t.path}' matches no hostfs file at that destination`,
          hint:
            renamedAway !== undefined
              ? `renameFiles moves hostfs ${want} to ${renamedAway}; list the final destination (sample values)`
              : sameName.length
                ? `Did you mean ${sameName.map((d) => `'${d}'`).join(' or ')}?`
                : `Add the file under exports/hostfs${want}, or remove the entry`,
        },
      ]
    })
  },
})

import {readFileSync} from 'node:fs'
import {decodeText} from '../../../core/index.js'
import {normalizeHostPath} from '../../hostfs.js'
import {templateVariables} from '../../template.js'
import {isProvidedVariable} from '../../variables.js'
import type {LintContext} from '../context.js'
import {hostfsModel} from '../hostfs-model.js'
import {hostfsDestinations} from '../manifest-hostfs.js'
import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

/**
 * Texts of the hostfs files install renders: those whose final destination is listed in
 * installedFilesTemplate. Undefined when a listed file's content cannot be known (written by
 * a RUN command, unreadable): a default may then be used there.
 */
function installedTemplateTexts(ctx: LintContext, data: Record<string, unknown>): string[] | undefined {
  const listed = data.installedFilesTemplate
  if (!Array.isArray(listed) || listed.length === 0) return []
  const wanted = new Set(listed.filter((p): p is string => typeof p === 'string').map(normalizeHostPath))
  const destinations = hostfsDestinations(ctx)
  const texts: string[] = []
  const found = new Set<string>()
  for (const item of hostfsModel(ctx).items.values()) {
    const dest = destinations.get(item.path)
    if (dest === undefined || !wanted.has(dest) || item.kind !== 'file' || !item.source) continue
    try {
      texts.push(decodeText(readFileSync(item.source), item.shown))
      found.add(dest)
    } catch {
      return undefined
    }
  }
  return found.size === wanted.size ? texts : undefined
}

/** Every variable name the templates of this exports set use; undefined when some template cannot be read. */
function usedVariables(ctx: LintContext, data: Record<string, unknown>): Set<string> | undefined {
  const texts = (['config.json.template', 'service.template', 'tmpfiles.template'] as const).flatMap((f) => ctx.file(f)?.text ?? [])
  const renames = data.renameFiles
  if (renames !== null && typeof renames === 'object' && !Array.isArray(renames)) {
    for (const v of Object.values(renames)) if (typeof v === 'string') texts.push(v)
  }
  const installed = installedTemplateTexts(ctx, data)
  if (!installed) return undefined
  texts.push(...installed)
  return new Set(texts.flatMap((t) => templateVariables(t).map((v) => v.name)))
}

export const manifestUnusedDefault = defineRule({
  id: 'manifest/unused-default',
  severity: 'warning',
  description: 'A defaultValues entry that no template uses (config.json.template, service.template, tmpfiles.template, renameFiles values, installedFilesTemplate files).',
  check: (ctx) => {
    const m = manifestModel(ctx)
    if (!m.data || m.entries.length === 0) return []
    const used = usedVariables(ctx, m.data)
    if (!used) return []
    return m.entries
      .filter((e) => !isProvidedVariable(e.name) && !used.has(e.name))
      .map((e) =>
        manifestFinding(ctx, e.pointer, `defaultValues.${e.name} is not used by any template`, {
          hint: `use $${e.name} in a template, or remove the default (a misspelt variable name?)`,
        }),
      )
  },
})

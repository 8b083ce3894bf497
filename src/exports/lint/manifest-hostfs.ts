/**
 * The hostfs parts of manifest.json for lint: renameFiles entries and installedFilesTemplate
 * entries with the manifest line each is written on, the renameFiles values rendered with
 * the sample values, and the host destination of every hostfs item.
 */
import {offsetToLineColumn} from '../../core/index.js'
import {normalizeHostPath, renamePath} from '../hostfs.js'
import {tryRenderTemplate} from '../template.js'
import type {LintContext} from './context.js'
import {hostfsModel} from './hostfs-model.js'
import {manifestModel} from './manifest-model.js'

export interface RenameEntry {
  readonly key: string
  /** The value as written (a template). */
  readonly value: string
  /** The value rendered with the sample values, or the value as written when it cannot be. */
  readonly rendered: string
  readonly line?: number
}

export interface TemplateEntry {
  readonly path: string
  readonly line?: number
}

export interface ManifestHostfs {
  readonly renames: readonly RenameEntry[]
  readonly templates: readonly TemplateEntry[]
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Line of the `nth` occurrence of the JSON string `needle` after the key `section`. */
function lineOf(text: string, section: string, needle: string, nth = 0): number | undefined {
  const from = text.indexOf(JSON.stringify(section))
  if (from === -1) return undefined
  let at = from
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(JSON.stringify(needle), at + (i === 0 ? JSON.stringify(section).length : 1))
    if (at === -1) return offsetToLineColumn(text, from).line
  }
  return offsetToLineColumn(text, at).line
}

export function manifestHostfs(ctx: LintContext): ManifestHostfs {
  return ctx.memo('manifest:hostfs', () => {
    const data = manifestModel(ctx).data
    const text = ctx.file('manifest.json')?.text ?? ''
    const renames: RenameEntry[] = []
    if (isRecord(data?.renameFiles)) {
      for (const [key, value] of Object.entries(data.renameFiles)) {
        if (typeof value !== 'string') continue
        const r = tryRenderTemplate(value, ctx.values.values)
        renames.push({key, value, rendered: r.ok ? r.output : value, line: lineOf(text, 'renameFiles', key)})
      }
    }
    const templates: TemplateEntry[] = []
    const list = data?.installedFilesTemplate
    if (Array.isArray(list)) {
      const seen = new Map<string, number>()
      for (const path of list) {
        if (typeof path !== 'string') continue
        const nth = seen.get(path) ?? 0
        seen.set(path, nth + 1)
        templates.push({path, line: lineOf(text, 'installedFilesTemplate', path, nth)})
      }
    }
    return {renames, templates}
  })
}

/** Host destination (after renameFiles, sample values) of every hostfs item, by item path. */
export function hostfsDestinations(ctx: LintContext): ReadonlyMap<string, string> {
  return ctx.memo('hostfs:destinations', () => {
    const table = new Map(manifestHostfs(ctx).renames.map((r) => [r.key, r.rendered]))
    const out = new Map<string, string>()
    for (const path of hostfsModel(ctx).items.keys()) out.set(path, renamePath(path, table))
    return out
  })
}

/** The normalised host paths installedFilesTemplate lists. */
export const templatePaths = (ctx: LintContext): ReadonlySet<string> =>
  ctx.memo('manifest:template-paths', () => new Set(manifestHostfs(ctx).templates.map((t) => normalizeHostPath(t.path))))

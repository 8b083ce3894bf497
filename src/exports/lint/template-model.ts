/**
 * Every template source of an exports set (atomic-semantics.md §3.1) with its tokens:
 * config.json.template, service.template, tmpfiles.template, each manifest renameFiles
 * value, and the hostfs files whose final (renamed) destination installedFilesTemplate
 * lists. Rules use `placeOf` to say where a token is.
 */
import {readFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {decodeText} from '../../core/index.js'
import {scanTemplate, type TemplateToken} from '../template.js'
import type {LintContext} from './context.js'
import {hostfsModel} from './hostfs-model.js'
import {hostfsDestinations, manifestHostfs, templatePaths} from './manifest-hostfs.js'

export type TemplateSourceKind = 'config.json.template' | 'service.template' | 'tmpfiles.template' | 'renameFiles' | 'hostfs'

export interface TemplateSource {
  readonly kind: TemplateSourceKind
  /** The file shown in findings. */
  readonly file: string
  /** For renameFiles values: `renameFiles["<key>"]`. */
  readonly keyPath?: string
  /** For renameFiles values: the manifest line of the key. */
  readonly keyLine?: number
  /** For hostfs templates: the host destination. */
  readonly destination?: string
  readonly text: string
  readonly tokens: readonly TemplateToken[]
}

/** Where a token is, for a finding: file, line, column and a `file:line:col` label. */
export interface TokenPlace {
  readonly file: string
  readonly line?: number
  readonly column?: number
  readonly label: string
}

const FILE_TEMPLATES = ['config.json.template', 'service.template', 'tmpfiles.template'] as const

export function templateModel(ctx: LintContext): readonly TemplateSource[] {
  return ctx.memo('template:model', () => {
    const out: TemplateSource[] = []
    for (const name of FILE_TEMPLATES) {
      const f = ctx.file(name)
      if (f) out.push({kind: name, file: f.shown, text: f.text, tokens: scanTemplate(f.text)})
    }
    const manifest = ctx.file('manifest.json')
    for (const r of manifestHostfs(ctx).renames) {
      out.push({
        kind: 'renameFiles',
        file: manifest?.shown ?? ctx.shownPath('manifest.json'),
        keyPath: `renameFiles[${JSON.stringify(r.key)}]`,
        ...(r.line === undefined ? {} : {keyLine: r.line}),
        text: r.value,
        tokens: scanTemplate(r.value),
      })
    }
    const wanted = templatePaths(ctx)
    if (wanted.size) {
      const dests = hostfsDestinations(ctx)
      for (const item of hostfsModel(ctx).items.values()) {
        const dest = dests.get(item.path)
        if (!item.source || dest === undefined || !wanted.has(dest)) continue
        const text = readText(item.source, item.shown)
        if (text === undefined) continue
        out.push({kind: 'hostfs', file: shownSource(ctx, item.source, item.shown), destination: dest, text, tokens: scanTemplate(text)})
      }
    }
    return out
  })
}

/** A hostfs item taken from the Dockerfile is shown as its build-context file. */
function shownSource(ctx: LintContext, source: string, shown: string): string {
  const df = ctx.exports.dockerfile
  if (!df || shown !== df.shown) return shown
  return join(dirname(df.shown), relative(dirname(df.path), source))
}

function readText(path: string, shown: string): string | undefined {
  try {
    return decodeText(readFileSync(path), shown)
  } catch {
    return undefined // unreadable or binary: not a template lint can read (other rules report files)
  }
}

export function placeOf(src: TemplateSource, tok: {readonly line: number; readonly column: number}): TokenPlace {
  if (src.kind === 'renameFiles') {
    const at = src.keyLine === undefined ? src.file : `${src.file}:${src.keyLine}`
    return {file: src.file, ...(src.keyLine === undefined ? {} : {line: src.keyLine}), label: `${at} ${src.keyPath} (column ${tok.column} of the value)`}
  }
  return {file: src.file, line: tok.line, column: tok.column, label: `${src.file}:${tok.line}:${tok.column}`}
}

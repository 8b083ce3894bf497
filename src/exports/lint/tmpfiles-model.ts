/**
 * tmpfiles.template as lint sees it: rendered with the sample values, where variables
 * without a value stay opaque (their fields are not checked), then parsed with
 * systemd-tmpfiles' rules. Line numbers (and columns, where a line has no variables)
 * are template positions.
 */
import {parseTmpfiles, TMPFILES_OPAQUE, type TmpfilesEntry, type TmpfilesProblem} from '../tmpfiles.js'
import type {SourceFile} from '../project.js'
import type {LintContext} from './context.js'
import {renderForLint} from './line-map.js'

export interface TmpfilesModel {
  readonly file: SourceFile
  readonly entries: readonly TmpfilesEntry[]
  readonly problems: readonly TmpfilesProblem[]
}

export function tmpfilesModel(ctx: LintContext): TmpfilesModel | undefined {
  return ctx.memo('tmpfiles:model', () => {
    const file = ctx.file('tmpfiles.template')
    if (!file) return undefined
    const r = renderForLint(file.text, ctx.values.values, TMPFILES_OPAQUE)
    const parsed = parseTmpfiles(r.output)
    const at = <T extends {line: number; column?: number}>(x: T): T => {
      const line = r.templateLine(x.line)
      const {column, ...rest} = x
      return (column !== undefined && r.sameLine(x.line) ? {...rest, line, column} : {...rest, line}) as T
    }
    return {
      file,
      entries: parsed.entries.map((e) => ({...e, line: r.templateLine(e.line)})),
      problems: parsed.problems.map(at),
    }
  })
}

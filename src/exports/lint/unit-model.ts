/** The service unit as lint sees it: the parsed service.template, and whether install writes a unit at all. */
import {parseUnitFile, type UnitFile} from '../unit-file.js'
import type {SourceFile} from '../project.js'
import type {LintContext} from './context.js'
import {manifestModel} from './manifest-model.js'
import {isRunOnceImage} from './labels-model.js'

export interface UnitModel {
  readonly file: SourceFile
  /** The template text parsed as a unit file (placeholders left as written). */
  readonly unit: UnitFile
}

/** The parsed service.template, when the exports set has one. */
export function unitModel(ctx: LintContext): UnitModel | undefined {
  return ctx.memo('unit:model', () => {
    const file = ctx.file('service.template')
    return file ? {file, unit: parseUnitFile(file.text)} : undefined
  })
}

/**
 * Whether install writes a service unit for this exports set: it is a system-container
 * image, manifest.json does not set noContainerService, and it is not a run-once image.
 */
export function hasContainerService(ctx: LintContext): boolean {
  if (ctx.exports.kind === 'dockerfile-only') return false
  if (isRunOnceImage(ctx)) return false
  return manifestModel(ctx).data?.noContainerService !== true
}

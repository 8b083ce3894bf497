/**
 * The labels of the image being linted: the LABELs of the Dockerfile's final stage (in
 * order, later ones win), overridden by the labels lint was given (build spec, image
 * config, `ctx.options.labels`). Values are taken as written: `$VAR` references are not
 * expanded (sysbuild has no build arguments to expand them with).
 */
import {labelsOf} from '../dockerfile.js'
import type {LintContext} from './context.js'
import {dockerfileModel} from './dockerfile-model.js'

export interface LabelOrigin {
  readonly value: string
  /** `options`, or the Dockerfile line that set it. */
  readonly from: 'options' | {readonly file: string; readonly line: number}
}

/** Every label with where it was set. */
export function imageLabelOrigins(ctx: LintContext): ReadonlyMap<string, LabelOrigin> {
  return ctx.memo('labels:origins', () => {
    const out = new Map<string, LabelOrigin>()
    const df = dockerfileModel(ctx)
    if (df) {
      for (const ins of df.instructions) {
        if (ins.keyword !== 'LABEL') continue
        for (const l of labelsOf(ins, df.parsed.escape)) out.set(l.key, {value: l.value, from: {file: df.file.shown, line: l.line}})
      }
    }
    for (const [k, v] of Object.entries(ctx.options.labels ?? {})) out.set(k, {value: v, from: 'options'})
    return out
  })
}

/** The image's labels: Dockerfile LABELs merged with (and overridden by) `ctx.options.labels`. */
export function imageLabels(ctx: LintContext): Readonly<Record<string, string>> {
  return ctx.memo('labels:image', () => Object.fromEntries([...imageLabelOrigins(ctx)].map(([k, o]) => [k, o.value])))
}

/** The image is a run-once image (`atomic.run=once`, atomic-semantics.md §12). */
export const isRunOnceImage = (ctx: LintContext): boolean => imageLabels(ctx)['atomic.run'] === 'once'

/** The image is marked as a system container (`atomic.type=system`, §17). */
export const isSystemTypeImage = (ctx: LintContext): boolean => imageLabels(ctx)['atomic.type'] === 'system'

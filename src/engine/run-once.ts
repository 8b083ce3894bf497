/**
 * Images labelled `atomic.run=once` (atomic-semantics.md §12): install runs them once
 * in the foreground and leaves nothing behind — no deployment, unit or tmpfiles conf.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {planDeployment, type PlanInput} from './deployment-plan.js'
import {describePlan, type PlanPreview} from './plan-preview.js'
import type {Reporter} from './reporter.js'
import {runcFor} from './runc.js'
import {runtimeBundle} from './runtime-bundle.js'
import {serviceManager} from './service-manager.js'
import {silentReporter} from './reporter.js'

export interface RunOnceResult {
  /** The container's exit status. */
  readonly exitCode: number
  readonly preview?: PlanPreview
}

type RunOnceInput = Omit<PlanInput, 'slot' | 'layerCache' | 'stagingRoot' | 'runOnce'> & {
  readonly reporter: Reporter
  readonly dryRun: boolean
  /** runc id (default `NAME-once-<pid>`). */
  readonly id?: string
  /** Replaces `process.args` of the rendered config (`sysbuild run IMAGE CMD…`). */
  readonly command?: readonly string[]
}

export async function runOnce(input: RunOnceInput): Promise<RunOnceResult> {
  const {paths} = input
  const scratch = mkdtempSync(join(tmpdir(), 'sysbuild-run-once-'))
  let staged: string | undefined
  try {
    const plan = await planDeployment({...input, slot: 0, runOnce: true, layerCache: input.dryRun ? join(scratch, 'layers') : paths.layers, stagingRoot: input.dryRun ? join(scratch, 'staging') : paths.staging})
    staged = plan.staged
    if (input.dryRun) return {exitCode: 0, preview: describePlan(plan, paths, serviceManager(paths, silentReporter))}
    for (const w of plan.warnings) input.reporter.warn(w)
    writeFileSync(join(plan.staged, 'config.json'), plan.config.text)
    const sm = serviceManager(paths, silentReporter)
    const conf = join(scratch, `${input.name}.conf`)
    if (plan.tmpfiles !== undefined) {
      writeFileSync(conf, plan.tmpfiles)
      await sm.run(sm.argv('tmpfiles-create', conf), {echo: false})
    }
    try {
      const runc = runcFor(paths, input.runtime.path)
      const command = input.command && input.command.length > 0 ? input.command : undefined
      const withCommand = command ? (config: Record<string, unknown>) => ({...config, process: {...((config.process ?? {}) as object), args: [...command], terminal: false}}) : undefined
      const bundle = await runtimeBundle(paths, plan.staged, join(scratch, 'run'), withCommand)
      const id = input.id ?? `${input.name}-once-${process.pid}`
      const child = spawn(runc.path, [...runc.global, 'run', '--bundle', bundle, id], {cwd: plan.staged, stdio: ['ignore', 'inherit', 'inherit']})
      const code = await new Promise<number>((resolve, reject) => {
        child.on('error', reject)
        child.on('close', (c, sig) => resolve(c ?? (sig ? 128 : 1)))
      })
      await runcCleanup(runc.path, runc.global, id)
      return {exitCode: code}
    } finally {
      if (plan.tmpfiles !== undefined) await sm.run(sm.argv('tmpfiles-remove', conf), {echo: false, tolerate: true})
    }
  } finally {
    if (staged) rmSync(staged, {recursive: true, force: true})
    rmSync(scratch, {recursive: true, force: true})
  }
}

async function runcCleanup(path: string, global: readonly string[], id: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const c = spawn(path, [...global, 'delete', '--force', id], {stdio: 'ignore'})
    c.on('error', () => resolve())
    c.on('close', () => resolve())
  })
}

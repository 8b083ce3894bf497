/**
 * `sysbuild update NAME [--rebase IMAGE] [--set K=V]…` (atomic-semantics.md §10, D12, D13,
 * D17): the new deployment is staged in a fresh directory and everything is rendered and
 * checked before the running service is touched; the switch is one transaction; when the
 * container was running and the new one does not start, sysbuild rolls back on its own.
 */
import {rmSync} from 'node:fs'
import {SysbuildError} from '../core/index.js'
import {digestHex} from '../image/index.js'
import {readActive} from './active.js'
import {isServiceRunning} from './container-state.js'
import {writeStagedFiles} from './deployment-apply.js'
import {planDeployment} from './deployment-plan.js'
import {unchangedHostFiles, planHostFiles} from './host-files.js'
import {readCapabilityInfo} from './host-values.js'
import {resolveImage} from './image-source.js'
import {sysbuildExecutable, type EngineOptions} from './install.js'
import {transact, withRecoveredContainer} from './journal.js'
import {otherSlot, validateContainerName} from './names.js'
import {containerPaths, hostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {rollbackLocked} from './rollback.js'
import {startContainer, stopContainer} from './runner.js'
import {probeRuntime, resolveRuntimePath, useSystemdCgroup, type SystemdCgroupMode} from './runtime.js'
import {serviceManager, systemdIsRunning} from './service-manager.js'
import {switchDeployment} from './switch.js'
import {moveIntoPlace, removeAtCommit} from './tx-fs.js'

export interface UpdateOptions extends EngineOptions {
  readonly name: string
  readonly rebase?: string
  readonly set?: Readonly<Record<string, string>>
  readonly runtime?: string
  readonly systemdCgroup?: SystemdCgroupMode
  readonly legacyFixups?: boolean
}

export interface ValueChange {
  readonly name: string
  readonly from?: string
  readonly to?: string
}

export type UpdateResult =
  | {readonly status: 'up-to-date'; readonly name: string}
  | {readonly status: 'updated'; readonly name: string; readonly from: string; readonly to: string; readonly image: string; readonly restarted: boolean; readonly changes: readonly ValueChange[]; readonly steps: readonly string[]}

/** Values whose text changed (DESTDIR always does and is left out). */
export function valueChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): ValueChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== 'DESTDIR' && before[k] !== after[k]).sort()
  return keys.map((k) => ({name: k, ...(before[k] === undefined ? {} : {from: before[k]}), ...(after[k] === undefined ? {} : {to: after[k]})}))
}

const shown = (v: string | undefined): string => (v === undefined ? '(unset)' : JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v))

export async function updateContainer(opts: UpdateOptions): Promise<UpdateResult> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const name = validateContainerName(opts.name)
  return withRecoveredContainer(paths, name, reporter, async () => {
    const current = await readActive(paths, name)
    const info = current.info
    const image = await resolveImage(opts.rebase ?? info.image, {root: opts.root})
    const set = opts.set ?? {}
    const sameImage = image.manifestDigest === info['ostree-commit'] || digestHex(image.manifestDigest) === info.revision
    if (sameImage && Object.entries(set).every(([k, v]) => info.values[k] === v)) {
      reporter.line('Latest version already installed.')
      return {status: 'up-to-date', name}
    }
    const runtime = await probeRuntime(resolveRuntimePath({flag: opts.runtime, fromInfo: info.runtime}))
    if (info.remote) reporter.line('Updating a container with a remote rootfs. Only changes to config will be applied.')
    const slot = otherSlot(current.slot)
    const cp = containerPaths(paths, name)
    const plan = await planDeployment({
      paths,
      name,
      slot,
      image,
      set,
      runtime,
      systemdCgroup: useSystemdCgroup(runtime, opts.systemdCgroup ?? 'auto', paths.root === undefined && systemdIsRunning()),
      sysbuildPath: sysbuildExecutable(opts),
      capabilities: readCapabilityInfo(),
      layerCache: paths.layers,
      stagingRoot: paths.staging,
      previous: info,
      ...(info.remote ? {remoteRootfs: info.remote} : {}),
      ...(opts.legacyFixups === undefined ? {} : {legacyFixups: opts.legacyFixups}),
    })
    try {
      // Host files of the current deployment that are unchanged will be replaced, so they are no conflict.
      const hostFiles = planHostFiles({
        hostfs: plan.exports.hostfs,
        renameFiles: plan.exports.manifest.renameFiles ?? {},
        installedFilesTemplate: plan.exports.manifest.installedFilesTemplate ?? [],
        values: plan.values,
        paths,
        replaceable: unchangedHostFiles(info['installed-files-checksum'] ?? {}, paths),
      })
      const changes = valueChanges(info.values, plan.values)
      reporter.line(`Updating ${name}: ${info.image} (${info.revision.slice(0, 12)}) → ${image.reference} (${plan.info.revision.slice(0, 12)})`)
      for (const c of changes) reporter.line(`  ${c.name}: ${shown(c.from)} → ${shown(c.to)}${plan.sources[c.name] ? ` (${plan.sources[c.name]})` : ''}`)
      for (const w of plan.warnings) reporter.warn(w)
      for (const f of hostFiles.existing) reporter.line(`File ${paths.real(f)} already exists`)
      reporter.line(`Extracting to ${plan.deployment}`)
      await writeStagedFiles(plan)
      const sm = serviceManager(paths, reporter)
      const wasRunning = await isServiceRunning(paths, sm, name, info)
      const steps = await transact(paths, 'update', name, reporter, async (t) => {
        if (wasRunning) await t.step('stop', () => stopContainer({...opts, name, reporter}))
        await switchDeployment(t, paths, sm, reporter, current, {
          slot,
          dir: plan.deployment,
          destdir: plan.destdir,
          ...(plan.unit === undefined ? {} : {unit: plan.unit}),
          ...(plan.tmpfiles === undefined ? {} : {tmpfiles: plan.tmpfiles}),
          hostFiles,
          info: plan.info,
          prepare: async (tx) => {
            // D12: the new deployment never lands on top of the old slot's files.
            await removeAtCommit(tx, cp.deployment(slot))
            await moveIntoPlace(tx, plan.staged, plan.deployment)
          },
        })
        return t.steps
      }).catch(async (e: unknown) => {
        if (wasRunning) await startContainer({...opts, name, reporter}).catch(() => undefined)
        throw e
      })
      if (wasRunning && plan.hasService) {
        try {
          await startContainer({...opts, name, reporter})
        } catch (e) {
          reporter.warn(`Could not restart ${name}.  Attempt automatic rollback`)
          await rollbackLocked({...opts, name, reporter, start: true})
          throw new SysbuildError('SYSBUILD_ENGINE_START_FAILED', `${name} did not start after the update to ${image.reference}; rolled back to ${current.destdir}`, {
            suggestions: [`sysbuild logs ${name}`],
          }, e)
        }
      }
      return {status: 'updated', name, from: current.destdir, to: plan.destdir, image: image.reference, restarted: wasRunning, changes, steps}
    } finally {
      rmSync(plan.staged, {recursive: true, force: true})
    }
  })
}

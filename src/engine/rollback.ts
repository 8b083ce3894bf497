/**
 * `sysbuild rollback NAME` (atomic-semantics.md §11, D6, D19): back to the other
 * deployment. Its unit and tmpfiles conf are the copies it kept; its host files are
 * planned again from its own /exports with its own values, renames and templates, and
 * the new checksums are stored in its info.
 */
import {join} from 'node:path'
import {readFileSync} from 'node:fs'
import {SysbuildError} from '../core/index.js'
import {activeLink, readActive} from './active.js'
import {isServiceRunning} from './container-state.js'
import {present} from './fs-util.js'
import {planHostFiles, unchangedHostFiles} from './host-files.js'
import {readImageExports} from './image-exports.js'
import {readInfo} from './info-file.js'
import type {EngineOptions} from './install.js'
import {transact, withRecoveredContainer} from './journal.js'
import {otherSlot, validateContainerName} from './names.js'
import {containerPaths, hostPaths, tmpfilesCopyName, unitCopyName} from './paths.js'
import {silentReporter} from './reporter.js'
import {startContainer, stopContainer} from './runner.js'
import {serviceManager} from './service-manager.js'
import {switchDeployment} from './switch.js'

export interface RollbackOptions extends EngineOptions {
  readonly name: string
  /** Start the container afterwards even if it was not running (update's automatic rollback). */
  readonly start?: boolean
}

export interface RollbackResult {
  readonly name: string
  readonly from: string
  readonly to: string
  readonly restarted: boolean
  readonly steps: readonly string[]
}

export async function rollbackContainer(opts: RollbackOptions): Promise<RollbackResult> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const name = validateContainerName(opts.name)
  return withRecoveredContainer(paths, name, reporter, async () => {
    return rollbackLocked({...opts, name, reporter})
  })
}

/** The rollback itself; the caller holds the name's lock (update's automatic rollback). */
export async function rollbackLocked(opts: RollbackOptions & {readonly reporter: NonNullable<EngineOptions['reporter']>}): Promise<RollbackResult> {
  const {reporter, name} = opts
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  reporter.line(`Attempting to roll back system container: ${name}`)
  const link = activeLink(paths, name)
  if (!link) throw new SysbuildError('SYSBUILD_ENGINE_NOT_INSTALLED', `System container '${name}' is not installed`)
  const current = await readActive(paths, name)
  const cp = containerPaths(paths, name)
  const slot = otherSlot(current.slot)
  const dir = cp.deployment(slot)
  const destdir = cp.deploymentTarget(slot)
  if (!present(dir)) {
    throw new SysbuildError('SYSBUILD_ENGINE_NO_ROLLBACK', `Error: Cannot find a previous deployment to rollback located at ${destdir}`)
  }
  const info = await readInfo(dir)
  const unitCopy = join(dir, unitCopyName(name))
  if (info['has-container-service'] && !present(unitCopy)) {
    throw new SysbuildError('SYSBUILD_ENGINE_NO_ROLLBACK', `Error: Cannot find systemd service file for previous version. The previous checkout at ${destdir} may be corrupted.`)
  }
  reporter.line(`Rolling back container ${name} to the checkout at ${dir}`)
  const exportsOf = readImageExports(info.remote ? paths.real(info.remote) : join(dir, 'rootfs'), info.image)
  const hostFiles = planHostFiles({
    hostfs: exportsOf.hostfs,
    renameFiles: exportsOf.manifest.renameFiles ?? {},
    installedFilesTemplate: info['installed-files-template'] ?? exportsOf.manifest.installedFilesTemplate ?? [],
    values: info.values,
    paths,
    replaceable: unchangedHostFiles(current.info['installed-files-checksum'] ?? {}, paths),
  })
  for (const f of hostFiles.existing) reporter.line(`File ${paths.real(f)} already exists`)
  const sm = serviceManager(paths, reporter)
  const wasRunning = await isServiceRunning(paths, sm, name, current.info)
  const tmpfilesCopy = join(dir, tmpfilesCopyName(name))
  const steps = await transact(paths, 'rollback', name, reporter, async (t) => {
    if (wasRunning) await t.step('stop', () => stopContainer({...opts, reporter}))
    await switchDeployment(t, paths, sm, reporter, current, {
      slot,
      dir,
      destdir,
      ...(info['has-container-service'] ? {unit: readFileSync(unitCopy, 'utf8')} : {}),
      ...(present(tmpfilesCopy) ? {tmpfiles: readFileSync(tmpfilesCopy, 'utf8')} : {}),
      hostFiles,
      info,
    })
    return t.steps
  }).catch(async (e: unknown) => {
    if (wasRunning) await startContainer({...opts, reporter}).catch(() => undefined)
    throw e
  })
  const restart = (wasRunning || opts.start === true) && info['has-container-service']
  if (restart) await startContainer({...opts, reporter})
  return {name, from: current.destdir, to: destdir, restarted: restart, steps}
}

/**
 * `sysbuild uninstall NAME` (atomic-semantics.md §13, D4, D14): stop, disable, remove
 * the unit and tmpfiles conf, the unmodified host files, the link and both deployments;
 * the image stays in the store. Every partial state is accepted (missing info, dangling
 * link, a lone NAME.0). Removals happen at commit, so a failure changes nothing.
 */
import {existsSync} from 'node:fs'
import {present, rmdirIfEmpty} from './fs-util.js'
import {SysbuildError} from '../core/index.js'
import {activeLink} from './active.js'
import {removeHostFiles} from './host-files.js'
import {readInfo, type Info} from './info-file.js'
import type {EngineOptions} from './install.js'
import {transact, withRecoveredContainer} from './journal.js'
import {validateContainerName} from './names.js'
import {containerPaths, hostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {runcFor, runcState} from './runc.js'
import {startContainer, stopRunc} from './runner.js'
import {isServiceRunning} from './container-state.js'
import {serviceManager} from './service-manager.js'
import {removeAtCommit} from './tx-fs.js'
import {removeTmpfilesLinks} from './tmpfiles-undo.js'

export interface UninstallOptions extends EngineOptions {
  readonly name: string
  /** No error when nothing of that name is installed. */
  readonly ignoreMissing?: boolean
}

export interface UninstallResult {
  readonly name: string
  readonly removed: boolean
  /** Host files kept because they were modified. */
  readonly kept: readonly string[]
  readonly steps: readonly string[]
}

export async function uninstallContainer(opts: UninstallOptions): Promise<UninstallResult> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const name = validateContainerName(opts.name)
  return withRecoveredContainer(paths, name, reporter, async () => {
    const cp = containerPaths(paths, name)
    const leftovers = [cp.link, cp.deployment(0), cp.deployment(1), cp.unit, cp.tmpfiles].filter(present)
    if (leftovers.length === 0) {
      if (opts.ignoreMissing) return {name, removed: false, kept: [], steps: []}
      throw new SysbuildError('SYSBUILD_ENGINE_NOT_INSTALLED', `The container '${name}' doesn't exist`)
    }
    let link
    try {
      link = activeLink(paths, name)
    } catch {
      link = undefined
    }
    const info: Info | undefined = link ? await readInfo(link.dir).catch(() => undefined) : undefined
    const hasService = info ? info['has-container-service'] : present(cp.unit)
    const sm = serviceManager(paths, reporter)
    const wasRunning = !sm.live && info !== undefined && (await isServiceRunning(paths, sm, name, info))
    return transact(paths, 'uninstall', name, reporter, async (t) => {
      if (hasService) {
        await t.step('stop', async () => {
          if (sm.live) {
            if (await sm.isActive(name)) await t.willUndo({op: 'exec', argv: sm.argv('start', name)!})
            await sm.run(['systemctl', 'disable', '--now', name], {tolerate: true})
          } else {
            const runc = runcFor(paths, info?.runtime ?? '/usr/bin/runc')
            if (existsSync(runc.path) && (await runcState(runc, name))) await stopRunc(runc, name, 10_000, reporter)
            if (present(cp.unit)) {
              await t.willUndo({op: 'exec', argv: sm.argv('enable', name)!})
              await sm.run(sm.argv('disable', name), {tolerate: true})
            }
          }
        })
      }
      await t.step('unit', () => removeAtCommit(t, cp.unit))
      await t.step('daemon-reload', () => sm.run(sm.argv('daemon-reload'), {tolerate: true}))
      if (present(cp.tmpfiles)) {
        const recreate = sm.argv('tmpfiles-create', cp.tmpfiles)
        if (recreate) await t.willUndo({op: 'exec', argv: recreate})
        await t.step('tmpfiles-remove', () => sm.run(sm.argv('tmpfiles-remove', cp.tmpfiles), {tolerate: true}))
        await t.step('tmpfiles', () => removeAtCommit(t, cp.tmpfiles))
      }
      if (info?.sysbuild?.['created-links']) await t.step('tmpfiles-links', () => removeTmpfilesLinks(t, info.sysbuild!['created-links']!, paths, reporter))
      const kept = info
        ? await t.step('host-files', () => removeHostFiles(t, info['installed-files-checksum'] ?? {}, info.sysbuild?.['created-dirs'] ?? [], paths, reporter))
        : []
      await t.step('link', () => removeAtCommit(t, cp.link))
      await t.step('deployments', async () => {
        await removeAtCommit(t, cp.deployment(0))
        await removeAtCommit(t, cp.deployment(1))
      })
      if (present(cp.run)) await t.step('run-dir', () => removeAtCommit(t, cp.run))
      return {name, removed: true, kept, steps: t.steps}
    }).catch(async (e: unknown) => {
      // The stop cannot be journalled when sysbuild runs the container itself: start it again.
      if (wasRunning) await startContainer({...opts, name, reporter}).catch(() => undefined)
      throw e
    }).finally(() => {
      // sysbuild's own run dirs go with the last container that used them.
      for (const d of [paths.runcRoot, paths.runDir]) if (d) rmdirIfEmpty(d)
    })
  })
}

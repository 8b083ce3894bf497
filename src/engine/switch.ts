/**
 * Switching a container from its active deployment to the other slot (update and
 * rollback, atomic-semantics.md §10, §11): old tmpfiles entries, unit, conf and unmodified
 * host files go; the target's unit, conf and host files come; the link flips. All of it
 * inside the caller's transaction, so a failure restores the old deployment.
 */
import {join} from 'node:path'
import type {ActiveDeployment} from './active.js'
import {present} from './fs-util.js'
import {applyHostFiles, removeHostFiles, type HostFilesPlan} from './host-files.js'
import {INFO_FILE, renderInfo, type Info} from './info-file.js'
import type {Transaction} from './journal.js'
import {containerPaths, targetPath, UNIT_DIR, type HostPaths, type Slot} from './paths.js'
import type {Reporter} from './reporter.js'
import type {ServiceManager} from './service-manager.js'
import {recordTmpfilesCreations, removeTmpfilesLinks, type TmpfilesCreations} from './tmpfiles-undo.js'
import {createFile, pointLink, removeAtCommit, rewriteFile} from './tx-fs.js'

export interface SwitchTarget {
  readonly slot: Slot
  /** Real path of the target deployment (exists after `prepare`). */
  readonly dir: string
  readonly destdir: string
  readonly unit?: string
  readonly tmpfiles?: string
  readonly hostFiles: HostFilesPlan
  /** The target's info; host-file results are filled in. */
  readonly info: Info
  /** Put the target deployment in place (update: the staged one). Runs after the old files are gone. */
  prepare?(t: Transaction): Promise<void>
}

export async function switchDeployment(
  t: Transaction,
  paths: HostPaths,
  sm: ServiceManager,
  reporter: Reporter,
  current: ActiveDeployment,
  target: SwitchTarget,
): Promise<Info> {
  const name = current.name
  const cp = containerPaths(paths, name)
  const oldInfo = current.info
  if (oldInfo.sysbuild?.tmpfiles !== false && present(cp.tmpfiles)) {
    const recreate = sm.argv('tmpfiles-create', cp.tmpfiles)
    if (recreate) await t.willUndo({op: 'exec', argv: recreate})
    await t.step('tmpfiles-remove', () => sm.run(sm.argv('tmpfiles-remove', cp.tmpfiles), {tolerate: true}))
  }
  await t.step('old-files', async () => {
    await removeAtCommit(t, cp.unit)
    await removeAtCommit(t, cp.tmpfiles)
    await removeTmpfilesLinks(t, oldInfo.sysbuild?.['created-links'] ?? {}, paths, reporter)
  })
  // Directories sysbuild made that are still needed stay recorded: they go when the last user goes.
  const oldDirs = oldInfo.sysbuild?.['created-dirs'] ?? []
  const unitDirs = oldDirs.filter((d) => d.startsWith(`${UNIT_DIR}/`) || d === UNIT_DIR)
  await t.step('old-host-files', () => removeHostFiles(t, oldInfo['installed-files-checksum'] ?? {}, oldDirs.filter((d) => !unitDirs.includes(d)), paths, reporter))
  if (target.prepare) await t.step('deployment', () => target.prepare!(t))
  const host = await t.step('host-files', () => applyHostFiles(t, target.hostFiles, paths))
  const made: string[] = []
  if (target.unit !== undefined) made.push(...(await t.step('unit', () => createFile(t, cp.unit, target.unit!))))
  if (target.tmpfiles !== undefined) made.push(...(await t.step('tmpfiles', () => createFile(t, cp.tmpfiles, target.tmpfiles!))))
  const info: Info = {
    ...target.info,
    'installed-files': Object.keys(host.checksums),
    'installed-files-checksum': host.checksums,
    sysbuild: {
      ...(target.info.sysbuild ?? {format: 1, sources: {}}),
      'created-dirs': [...new Set([...oldDirs.filter((d) => present(paths.real(d))), ...host.createdDirs, ...made.map((d) => targetPath(paths, d))])],
      tmpfiles: target.tmpfiles !== undefined,
    },
  }
  await t.step('link', () => pointLink(t, cp.link, target.destdir))
  await t.step('daemon-reload', () => sm.run(sm.argv('daemon-reload')))
  let created: TmpfilesCreations = {links: {}, linkParents: []}
  if (target.tmpfiles !== undefined) {
    created = await recordTmpfilesCreations(t, target.tmpfiles, paths)
    const undo = sm.argv('tmpfiles-remove', cp.tmpfiles)
    if (undo) await t.willUndo({op: 'exec', argv: undo})
    await t.step('tmpfiles-create', () => sm.run(sm.argv('tmpfiles-create', cp.tmpfiles)))
  }
  const dirs = [...new Set([...(info.sysbuild?.['created-dirs'] ?? []), ...created.linkParents])]
  const final: Info = {...info, sysbuild: {...info.sysbuild!, 'created-dirs': dirs, 'created-links': created.links}}
  await t.step('info', () => rewriteFile(t, join(target.dir, INFO_FILE), renderInfo(final)))
  return final
}

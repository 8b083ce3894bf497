/**
 * Turning a DeploymentPlan into host state, inside a transaction. Shared by install
 * and update: the staged deployment gets its files, moves into place, and the host
 * files, unit and tmpfiles conf follow; the symlink flip is left to the caller.
 */
import {readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {writeFileAtomic} from '../core/index.js'
import type {DeploymentPlan} from './deployment-plan.js'
import {applyHostFiles} from './host-files.js'
import {renderInfo, writeInfo, type Info} from './info-file.js'
import type {Transaction} from './journal.js'
import {listDir} from './fs-util.js'
import {containerPaths, targetPath, tmpfilesCopyName, UNIT_DIR, unitCopyName, type HostPaths} from './paths.js'
import type {ServiceManager} from './service-manager.js'
import {recordTmpfilesCreations, type TmpfilesCreations} from './tmpfiles-undo.js'
import {createFile, moveIntoPlace} from './tx-fs.js'

/** Write config.json, info and the unit/tmpfiles copies into the staged deployment. */
export async function writeStagedFiles(plan: DeploymentPlan): Promise<void> {
  await writeFileAtomic(join(plan.staged, 'config.json'), plan.config.text)
  if (plan.unit !== undefined) await writeFileAtomic(join(plan.staged, unitCopyName(plan.name)), plan.unit)
  if (plan.tmpfiles !== undefined) await writeFileAtomic(join(plan.staged, tmpfilesCopyName(plan.name)), plan.tmpfiles)
  await writeFileAtomic(join(plan.staged, 'info'), renderInfo(plan.info))
  // noContainerService: only the host files matter; the rootfs goes (§9 step 17), except
  // /exports, which rollback needs to copy the host files again (D19).
  if (!plan.hasService && plan.info.remote == null) {
    const rootfs = join(plan.staged, 'rootfs')
    for (const e of readdirSync(rootfs)) if (e !== 'exports') rmSync(join(rootfs, e), {recursive: true, force: true})
  }
}

/** Move the deployment into place and write host files, unit and tmpfiles conf. Returns the final info. */
export async function applyDeployment(t: Transaction, plan: DeploymentPlan, paths: HostPaths): Promise<Info> {
  const cp = containerPaths(paths, plan.name)
  await t.step('deployment', () => moveIntoPlace(t, plan.staged, plan.deployment))
  const host = await t.step('host-files', () => applyHostFiles(t, plan.hostFiles, paths))
  const madeDirs: string[] = []
  if (plan.unit !== undefined) madeDirs.push(...(await t.step('unit', () => createFile(t, cp.unit, plan.unit!))))
  if (plan.tmpfiles !== undefined) madeDirs.push(...(await t.step('tmpfiles', () => createFile(t, cp.tmpfiles, plan.tmpfiles!))))
  const info: Info = {
    ...plan.info,
    'installed-files': Object.keys(host.checksums),
    'installed-files-checksum': host.checksums,
    sysbuild: {...plan.info.sysbuild!, 'created-dirs': [...host.createdDirs, ...madeDirs.map((d) => targetPath(paths, d))]},
  }
  await t.step('info', () => writeInfo(plan.deployment, info))
  return info
}

/**
 * Enable the unit (recording any `*.wants` directory systemctl creates, so uninstall
 * can remove it again) and create the tmpfiles entries.
 */
export async function activateDeployment(t: Transaction, plan: DeploymentPlan, paths: HostPaths, sm: ServiceManager, info: Info): Promise<Info> {
  const cp = containerPaths(paths, plan.name)
  await t.step('daemon-reload', () => sm.run(sm.argv('daemon-reload')))
  let made: TmpfilesCreations = {links: {}, linkParents: []}
  if (plan.tmpfiles !== undefined) {
    made = await recordTmpfilesCreations(t, plan.tmpfiles, paths)
    const undo = sm.argv('tmpfiles-remove', cp.tmpfiles)
    if (undo) await t.willUndo({op: 'exec', argv: undo})
    await t.step('tmpfiles-create', () => sm.run(sm.argv('tmpfiles-create', cp.tmpfiles)))
  }
  let createdDirs = [...(info.sysbuild?.['created-dirs'] ?? []), ...made.linkParents]
  if (plan.hasService) {
    const before = new Set(listDir(paths.unitDir))
    const undo = sm.argv('disable', plan.name)
    if (undo) await t.willUndo({op: 'exec', argv: undo})
    await t.step('enable', () => sm.run(sm.argv('enable', plan.name)))
    const made = listDir(paths.unitDir).filter((n) => !before.has(n) && /\.(wants|requires)$/.test(n))
    for (const n of made) await t.willUndo({op: 'rmdir', path: join(paths.unitDir, n)})
    createdDirs = [...createdDirs, ...made.map((n) => join(UNIT_DIR, n))]
  }
  const final: Info = {...info, sysbuild: {...info.sysbuild!, 'created-dirs': createdDirs, 'created-links': made.links}}
  await writeInfo(plan.deployment, final)
  return final
}

/**
 * Everything a deployment will contain and every host file it brings, computed before
 * the host is touched (atomic-semantics.md §9 steps 9-15): rootfs staged beside the
 * deployments, values resolved, config/unit/tmpfiles rendered and checked, host files
 * planned, the info file composed.
 */
import {existsSync, lstatSync, mkdirSync, rmSync, symlinkSync} from 'node:fs'
import {SysbuildError} from '../core/index.js'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {renderTemplate, templateVariables} from '../exports/template.js'
import type {ValueSource} from '../exports/values.js'
import {DEFAULT_SERVICE_TEMPLATE} from '../exports/default-unit.js'
import {digestHex} from '../image/index.js'
import {defaultTmpfiles, renderDeploymentConfig, type DeploymentConfig} from './deployment-config.js'
import {deploymentValues} from './deployment-values.js'
import {isPidfileMode} from './exec-strings.js'
import type {CapabilityInfo} from './host-values.js'
import {planHostFiles, type HostFilesPlan} from './host-files.js'
import {readImageExports, type ImageExports} from './image-exports.js'
import type {ResolvedImage} from './image-source.js'
import type {Info} from './info-file.js'
import {containerPaths, type HostPaths, type Slot} from './paths.js'
import type {RuntimeFeatures} from './runtime.js'
import {stageRootfs, type StagedRootfs} from './stage-rootfs.js'

export interface PlanInput {
  readonly paths: HostPaths
  readonly name: string
  readonly slot: Slot
  readonly image: ResolvedImage
  readonly set: Readonly<Record<string, string>>
  readonly runtime: RuntimeFeatures
  readonly systemdCgroup: boolean
  readonly sysbuildPath: string
  readonly capabilities: CapabilityInfo
  /** Where layers are cached and the deployment is staged (dry runs use a throw-away dir). */
  readonly layerCache: string
  readonly stagingRoot: string
  readonly previous?: Info
  readonly legacyFixups?: boolean
  readonly runOnce?: boolean
  /** --rootfs: the image's filesystem already lives at this target path; nothing is extracted. */
  readonly remoteRootfs?: string
}

export interface DeploymentPlan {
  readonly name: string
  readonly slot: Slot
  /** DESTDIR (target spelling) and its real path. */
  readonly destdir: string
  readonly deployment: string
  /** The staged deployment dir (real path), moved into place by apply. */
  readonly staged: string
  readonly image: ResolvedImage
  readonly exports: ImageExports
  readonly values: Readonly<Record<string, string>>
  readonly sources: Readonly<Record<string, ValueSource>>
  readonly pidfileMode: boolean
  readonly hasService: boolean
  readonly config: DeploymentConfig
  /** The rendered unit, when the image has a service. */
  readonly unit?: string
  /** The rendered tmpfiles conf, when non-empty. */
  readonly tmpfiles?: string
  readonly hostFiles: HostFilesPlan
  readonly rootfs: StagedRootfs
  /** The info file, without host-file results (apply completes it). */
  readonly info: Info
  readonly warnings: readonly string[]
}

export async function planDeployment(input: PlanInput): Promise<DeploymentPlan> {
  const {paths, name, slot, image} = input
  const cp = containerPaths(paths, name)
  mkdirSync(input.stagingRoot, {recursive: true})
  const staged = join(input.stagingRoot, `${name}.${slot}-${randomBytes(4).toString('hex')}`)
  mkdirSync(staged, {mode: 0o755})
  try {
    let rootfs: StagedRootfs
    let exports: ImageExports
    if (input.remoteRootfs !== undefined) {
      // atomic's --rootfs: `rootfs` is a link to the shared tree; its /exports are read there.
      const real = input.paths.real(input.remoteRootfs)
      if (!lstatSync(real, {throwIfNoEntry: false})?.isDirectory()) {
        throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `--rootfs ${input.remoteRootfs}: no such directory`, {file: real})
      }
      symlinkSync(input.remoteRootfs, join(staged, 'rootfs'))
      rootfs = {layers: [], extracted: 0, checkout: {linked: 0, copied: 0, dirs: 0, whiteouts: 0}}
      exports = readImageExports(real, image.reference)
    } else {
      rootfs = await stageRootfs(image, input.layerCache, join(staged, 'rootfs'))
      exports = readImageExports(join(staged, 'rootfs'), image.reference)
    }
    return composePlan(input, staged, rootfs, exports, cp.deployment(slot), cp.deploymentTarget(slot))
  } catch (e) {
    rmSync(staged, {recursive: true, force: true})
    throw e
  }
}

function composePlan(input: PlanInput, staged: string, rootfs: StagedRootfs, exports: ImageExports, deployment: string, destdir: string): DeploymentPlan {
  const {name, image} = input
  const hasService = !exports.manifest.noContainerService && !input.runOnce
  const unitTemplate = exports.serviceTemplate ?? DEFAULT_SERVICE_TEMPLATE
  const unitVars = new Set(templateVariables(unitTemplate).map((v) => v.name))
  const pidfileMode = !input.runOnce && isPidfileMode(unitVars, input.runtime.pidFile)
  const warnings: string[] = []
  if (!exports.present) {
    warnings.push('Warning: /exports directory not found.  Default config files will be generated.')
    warnings.push(`Warning: You may want to modify \`${destdir}/config.json\` before starting the service`)
  }
  const v = deploymentValues({
    name,
    destdir,
    imageName: image.reference,
    imageId: digestHex(image.manifestDigest),
    set: input.set,
    defaults: exports.defaults,
    runtime: input.runtime.path,
    sysbuildPath: input.sysbuildPath,
    capabilities: input.capabilities,
    systemdCgroup: input.runOnce ? false : input.systemdCgroup,
    pidfileMode,
    ...(input.previous ? {previous: input.previous} : {}),
  })
  warnings.push(...v.warnings)
  const usesCaps = [exports.configTemplate, exports.serviceTemplate, exports.tmpfilesTemplate].some((t) => t?.includes('ALL_PROCESS_CAPABILITIES'))
  if (usesCaps && v.droppedCapabilities.length > 0 && v.sources.ALL_PROCESS_CAPABILITIES === 'host') {
    warnings.push(`ALL_PROCESS_CAPABILITIES leaves out ${v.droppedCapabilities.join(', ')}: not in this process's bounding set (runc could not grant them)`)
  }
  const config = renderDeploymentConfig({
    exports,
    values: v.values,
    imageConfig: image.config,
    destdir,
    runOnce: input.runOnce ?? false,
    legacyFixups: input.legacyFixups ?? true,
    ...(input.remoteRootfs === undefined ? {} : {remoteRootfs: input.remoteRootfs}),
  })
  warnings.push(...config.warnings)
  const unit = hasService ? renderTemplate(unitTemplate, v.values, 'exports/service.template') : undefined
  const tmpfiles =
    exports.tmpfilesTemplate !== undefined
      ? renderTemplate(exports.tmpfilesTemplate, v.values, 'exports/tmpfiles.template')
      : defaultTmpfiles(config.config, (p) => existsSync(input.paths.real(p)), v.values.HOST_UID!, v.values.HOST_GID!)
  const hostFiles = input.runOnce
    ? {actions: [], existing: [], renamed: {}, warnings: []}
    : planHostFiles({
        hostfs: exports.hostfs,
        renameFiles: exports.manifest.renameFiles ?? {},
        installedFilesTemplate: exports.manifest.installedFilesTemplate ?? [],
        values: v.values,
        paths: input.paths,
      })
  warnings.push(...hostFiles.warnings)
  const info: Info = {
    image: image.reference,
    revision: v.values.IMAGE_ID!,
    'ostree-commit': image.manifestDigest,
    created: Math.floor(Date.now() / 1000),
    values: v.values,
    'has-container-service': hasService,
    'installed-files': [],
    'installed-files-checksum': {},
    'installed-files-template': exports.manifest.installedFilesTemplate ?? [],
    'rename-installed-files': hostFiles.renamed,
    'rpm-installed': null,
    'system-package': 'no',
    remote: input.remoteRootfs ?? null,
    'use-links': exports.manifest.useLinks ?? true,
    runtime: input.runtime.path,
    sysbuild: {format: 1, sources: v.sources, 'created-dirs': [], tmpfiles: tmpfiles !== '', layers: rootfs.layers},
  }
  return {
    name,
    slot: input.slot,
    destdir,
    deployment,
    staged,
    image,
    exports,
    values: v.values,
    sources: v.sources,
    pidfileMode,
    hasService,
    config,
    ...(unit === undefined ? {} : {unit}),
    ...(tmpfiles === '' ? {} : {tmpfiles}),
    hostFiles,
    rootfs,
    info,
    warnings,
  }
}

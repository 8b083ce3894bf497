/**
 * `sysbuild install` (atomic-semantics.md §9, D4): check, plan everything, then apply
 * in one transaction; any failure leaves the host as it was. `dryRun` returns the plan
 * (every file with its content, every command) and changes nothing.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {present} from './fs-util.js'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {activateDeployment, applyDeployment, writeStagedFiles} from './deployment-apply.js'
import {planDeployment, type DeploymentPlan} from './deployment-plan.js'
import {describePlan, type PlanPreview} from './plan-preview.js'
import {readCapabilityInfo} from './host-values.js'
import {resolveImage} from './image-source.js'
import {transact, withRecoveredContainer} from './journal.js'
import {defaultContainerName, validateContainerName} from './names.js'
import {containerPaths, hostPaths, type HostPaths} from './paths.js'
import {silentReporter, type Reporter} from './reporter.js'
import {runOnce, type RunOnceResult} from './run-once.js'
import {startContainer} from './runner.js'
import {probeRuntime, resolveRuntimePath, useSystemdCgroup, type SystemdCgroupMode} from './runtime.js'
import {serviceManager, systemdIsRunning} from './service-manager.js'
import {pointLink} from './tx-fs.js'

export interface EngineOptions {
  /** --root / SYSBUILD_ROOT. */
  readonly root?: string
  /** Checkout root override (target spelling). */
  readonly checkoutPath?: string
  readonly reporter?: Reporter
  /** Absolute path of the sysbuild executable (the ATOMIC value). */
  readonly sysbuildPath?: string
}

export interface InstallOptions extends EngineOptions {
  readonly image: string
  readonly name?: string
  readonly set?: Readonly<Record<string, string>>
  readonly runtime?: string
  readonly systemdCgroup?: SystemdCgroupMode
  readonly dryRun?: boolean
  /** Start the container after installing it. */
  readonly now?: boolean
  readonly legacyFixups?: boolean
  /** --rootfs: use the image filesystem already at this (target) path instead of extracting the image. */
  readonly rootfs?: string
}

export type InstallResult =
  | {readonly status: 'installed'; readonly name: string; readonly deployment: string; readonly steps: readonly string[]; readonly createdFiles: readonly string[]}
  | {readonly status: 'already-present'; readonly name: string}
  | {readonly status: 'dry-run'; readonly name: string; readonly preview: PlanPreview}
  | ({readonly status: 'ran-once'; readonly name: string} & RunOnceResult)

export const sysbuildExecutable = (opts: EngineOptions): string => opts.sysbuildPath ?? process.argv[1] ?? 'sysbuild'

export async function installContainer(opts: InstallOptions): Promise<InstallResult> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const runtime = await probeRuntime(resolveRuntimePath({flag: opts.runtime}))
  const image = await resolveImage(opts.image, {root: opts.root})
  const name = validateContainerName(opts.name ?? defaultContainerName(image.reference))
  const systemdCgroup = useSystemdCgroup(runtime, opts.systemdCgroup ?? 'auto', paths.root === undefined && systemdIsRunning())
  const common = {
    paths, name, image, set: opts.set ?? {}, runtime, sysbuildPath: sysbuildExecutable(opts), capabilities: readCapabilityInfo(),
    ...(opts.legacyFixups === undefined ? {} : {legacyFixups: opts.legacyFixups}),
    ...(opts.rootfs === undefined ? {} : {remoteRootfs: opts.rootfs}),
  }

  if (image.labels['atomic.run'] === 'once') {
    return {status: 'ran-once', name, ...(await runOnce({...common, systemdCgroup: false, reporter, dryRun: opts.dryRun ?? false}))}
  }

  const cp = containerPaths(paths, name)
  if (opts.dryRun) {
    if (checkInstallable(paths, name, reporter) === 'present') return {status: 'already-present', name}
    reporter.line(`Extracting to ${cp.deployment(0)}`)
    return {status: 'dry-run', name, preview: await dryRun(paths, {...common, systemdCgroup})}
  }
  return withRecoveredContainer(paths, name, reporter, async () => {
    if (checkInstallable(paths, name, reporter) === 'present') return {status: 'already-present', name}
    reporter.line(`Extracting to ${cp.deployment(0)}`)
    const plan = await planDeployment({...common, systemdCgroup, slot: 0, layerCache: paths.layers, stagingRoot: paths.staging})
    try {
      for (const w of plan.warnings) reporter.warn(w)
      for (const f of plan.hostFiles.existing) reporter.line(`File ${paths.real(f)} already exists`)
      await writeStagedFiles(plan)
      const sm = serviceManager(paths, reporter)
      const steps = await transact(paths, 'install', name, reporter, async (t) => {
        const info = await applyDeployment(t, plan, paths)
        await t.step('link', () => pointLink(t, cp.link, plan.destdir))
        if (plan.hasService || plan.tmpfiles !== undefined) {
          if (plan.hasService) for (const f of info['installed-files'] ?? []) reporter.line(`Created file ${paths.real(f)}`)
          await activateDeployment(t, plan, paths, sm, info)
        }
        return t.steps
      })
      if (opts.now && plan.hasService) await startContainer({...opts, name, reporter})
      return {status: 'installed', name, deployment: plan.destdir, steps, createdFiles: plan.hostFiles.actions.map((a) => a.path)}
    } finally {
      rmSync(plan.staged, {recursive: true, force: true})
    }
  })
}

/** atomic's checks before an install (§9 steps 3 and 6), plus D4's leftovers. */
function checkInstallable(paths: HostPaths, name: string, reporter: Reporter): 'present' | 'ok' {
  const cp = containerPaths(paths, name)
  if (present(cp.link)) {
    reporter.line(`${name} already present`)
    return 'present'
  }
  for (const slot of [0, 1] as const) {
    if (present(cp.deployment(slot))) {
      throw new SysbuildError('SYSBUILD_ENGINE_BROKEN', `A deployment ${cp.deploymentTarget(slot)} of ${name} exists without being active`, {
        suggestions: [`sysbuild uninstall ${name} removes what is left`],
      })
    }
  }
  for (const f of [cp.unit, cp.tmpfiles]) {
    if (present(f)) throw new SysbuildError('SYSBUILD_ENGINE_FILE_EXISTS', `The file ${f} already exists.`, {file: f})
  }
  return 'ok'
}

async function dryRun(paths: HostPaths, input: Omit<Parameters<typeof planDeployment>[0], 'slot' | 'layerCache' | 'stagingRoot'>): Promise<PlanPreview> {
  const scratch = mkdtempSync(join(tmpdir(), 'sysbuild-dry-run-'))
  try {
    const plan: DeploymentPlan = await planDeployment({...input, slot: 0, layerCache: join(scratch, 'layers'), stagingRoot: join(scratch, 'staging')})
    return describePlan(plan, paths, serviceManager(paths, silentReporter))
  } finally {
    rmSync(scratch, {recursive: true, force: true})
  }
}

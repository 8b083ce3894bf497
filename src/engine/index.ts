/**
 * Public API of the engine domain. Its operations are loaded when first called (each wrapper below imports its
 * module then), so a command loads only what it runs: `build` no longer loads install, runc, the journal or the
 * linter at start-up (126 → 70 modules). Types and small pure helpers are exported as they are.
 */
import type * as Build from './build.js'
import type * as BuildDocker from './build-docker.js'
import type * as BuildSave from './build-save.js'
import type * as LintTargets from './lint-targets.js'
import type * as Install from './install.js'
import type * as Uninstall from './uninstall.js'
import type * as Runner from './runner.js'
import type * as Update from './update.js'
import type * as Rollback from './rollback.js'
import type * as ContainersList from './containers-list.js'
import type * as RunCommand from './run-command.js'
import type * as Logs from './logs.js'
import type * as Images from './images.js'
import type * as UpdateAll from './update-all.js'

export * from './store-path.js'
// build
export type {BuildOptions, BuildResult, BuildEvent, BuiltLayer, RegistryAccess} from './build.js'
export const buildImage: typeof Build.buildImage = async (opts) => (await import('./build.js')).buildImage(opts)
export {imageLabels, labelArchitecture, parseKeyValues} from './build-labels.js'
export type {BuildRequest} from './build-plan.js'
export type {RegistryBaseResolver} from './build-base.js'
export type {OutputResult} from './build-output.js'
export type {DockerConnection} from './build-docker.js'
export const savedImageStream: typeof BuildDocker.savedImageStream = async (ref, c) => (await import('./build-docker.js')).savedImageStream(ref, c)
export type {SaveOptions, SaveResult} from './build-save.js'
export const saveImage: typeof BuildSave.saveImage = async (opts) => (await import('./build-save.js')).saveImage(opts)
export type {LintTargetsOptions} from './lint-targets.js'
export const lintTargets: typeof LintTargets.lintTargets = async (targets, opts) => (await import('./lint-targets.js')).lintTargets(targets, opts)
export {parseImageName, parseBaseSpec, parseOutputSpec, type ImageName, type BaseSpec, type OutputSpec} from './build-reference.js'
// install/run engine
export type {InstallOptions, InstallResult, EngineOptions} from './install.js'
export const installContainer: typeof Install.installContainer = async (opts) => (await import('./install.js')).installContainer(opts)
export type {UninstallOptions, UninstallResult} from './uninstall.js'
export const uninstallContainer: typeof Uninstall.uninstallContainer = async (opts) => (await import('./uninstall.js')).uninstallContainer(opts)
export type {RunnerOptions, ContainerStatus, ContainerState} from './runner.js'
export const startContainer: typeof Runner.startContainer = async (opts) => (await import('./runner.js')).startContainer(opts)
export const stopContainer: typeof Runner.stopContainer = async (opts) => (await import('./runner.js')).stopContainer(opts)
export const statusContainer: typeof Runner.statusContainer = async (opts) => (await import('./runner.js')).statusContainer(opts)
export {formatPlanPreview, type PlanPreview, type PreviewFile} from './plan-preview.js'
export {type Reporter, silentReporter, recordingReporter} from './reporter.js'
export {hostPaths, containerPaths, type HostPaths, type ContainerPaths} from './paths.js'
export {defaultContainerName, validateContainerName} from './names.js'
export {type SystemdCgroupMode} from './runtime.js'
export type {UpdateOptions, UpdateResult, ValueChange} from './update.js'
export const updateContainer: typeof Update.updateContainer = async (opts) => (await import('./update.js')).updateContainer(opts)
export type {RollbackOptions, RollbackResult} from './rollback.js'
export const rollbackContainer: typeof Rollback.rollbackContainer = async (opts) => (await import('./rollback.js')).rollbackContainer(opts)
export type {ListOptions} from './containers-list.js'
export const listContainers: typeof ContainersList.listContainers = async (opts) => (await import('./containers-list.js')).listContainers(opts)
export {formatContainerTable, CONTAINER_FILTER_KEYS, type ContainerEntry} from './containers-table.js'
export type {RunOptions, RunResult} from './run-command.js'
export const runInContainer: typeof RunCommand.runInContainer = async (opts) => (await import('./run-command.js')).runInContainer(opts)
// --set parsing for commands that must not load the whole exports domain (and its linter) at start-up.
export {parseSetValues} from '../exports/values.js'
export type {LogsOptions, LogSource} from './logs.js'
export const containerLogs: typeof Logs.containerLogs = async (opts) => (await import('./logs.js')).containerLogs(opts)
export type {ImageEntry, RemoveImageOptions, PruneOptions, PruneResult} from './images.js'
export const listImages: typeof Images.listImages = async (opts) => (await import('./images.js')).listImages(opts)
export const removeImage: typeof Images.removeImage = async (opts) => (await import('./images.js')).removeImage(opts)
export const pruneStore: typeof Images.pruneStore = async (opts) => (await import('./images.js')).pruneStore(opts)
export const updateAll: typeof UpdateAll.updateAll = async (opts) => (await import('./update-all.js')).updateAll(opts)
export {formatUpdateSummary, type UpdateSummaryRow, type UpdateStatus} from './update-summary.js'

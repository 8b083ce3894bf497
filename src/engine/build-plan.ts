/** sysbuild.toml + command-line overrides → what to build (paths resolved, nothing read yet but the spec). */
import {existsSync, statSync} from 'node:fs'
import {basename, isAbsolute, join, resolve} from 'node:path'
import {SysbuildError, readTextFile} from '../core/index.js'
// The spec parser alone: the exports domain's index would load the whole linter.
import {parseBuildSpec, type BuildSpec} from '../exports/build-spec.js'
import {checkRemovePath, outermostRemovals, type ImageSettings, type LayerSource} from '../image/index.js'
import {parseBaseSpec, parseImageName, type BaseSpec, type ImageName} from './build-reference.js'

export interface BuildRequest {
  /** Project directory (default: `cwd`). */
  readonly dir?: string
  /** Base for relative command-line paths (default: process.cwd()). */
  readonly cwd?: string
  /** Overrides of the spec, as on the command line. */
  readonly from?: string
  readonly rootfs?: readonly string[]
  readonly exports?: string
  /** NAME[:TAG]. */
  readonly tag?: string
  readonly architecture?: string
  readonly os?: string
  /** Base-image paths to delete (as --remove; replaces the spec's list). */
  readonly remove?: readonly string[]
  /** Labels over the spec's (as --label KEY=VALUE). */
  readonly labels?: Readonly<Record<string, string>>
  /** Manifest annotations over the spec's (as --annotation KEY=VALUE). */
  readonly annotations?: Readonly<Record<string, string>>
}

export interface PlannedLayer {
  readonly sources: readonly LayerSource[]
  /** For history (`created_by`): never a host path outside the project. */
  readonly createdBy: string
  readonly role: 'rootfs' | 'copy' | 'exports' | 'remove'
}

export interface BuildPlan {
  readonly projectDir: string
  readonly specFile?: string
  readonly spec?: BuildSpec
  readonly image: ImageName
  readonly fromText: string
  readonly from: BaseSpec
  readonly layers: readonly PlannedLayer[]
  /** What to lint (a project dir or an exports dir), when there are exports. */
  readonly lintTarget?: string
  /** Checked, outermost base paths to delete: whiteouts in the first layer (a layer of its own if there is none). */
  readonly remove: readonly string[]
  /** `labels` are the user's (spec, then request); build.ts adds the defaults of build-labels.ts. */
  readonly settings: Omit<ImageSettings, 'created'>
  readonly warnings: readonly string[]
}

export async function planBuild(req: BuildRequest): Promise<BuildPlan> {
  const cwd = req.cwd ?? process.cwd()
  const projectDir = resolve(cwd, req.dir ?? '.')
  if (!existsSync(projectDir)) throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `${req.dir ?? projectDir}: no such directory`)
  if (!statSync(projectDir).isDirectory()) throw new SysbuildError('SYSBUILD_USAGE_NOT_A_PROJECT', `${req.dir} is not a directory`)
  const specFile = join(projectDir, 'sysbuild.toml')
  const shownSpec = req.dir ? join(req.dir, 'sysbuild.toml') : 'sysbuild.toml'
  const spec = existsSync(specFile) ? parseBuildSpec(await readTextFile(specFile, shownSpec), shownSpec) : undefined
  const warnings: string[] = []

  if (!spec && !req.tag) {
    throw new SysbuildError('SYSBUILD_USAGE_NOT_A_PROJECT', `${req.dir ?? '.'} has no sysbuild.toml; without one, name the image with -t NAME:TAG`, {
      suggestions: ['sysbuild init to create a project', 'or: sysbuild build --from scratch --rootfs DIR --exports DIR -t NAME:TAG'],
    })
  }
  const image = req.tag ? parseImageName(req.tag) : parseImageName(`${spec!.name}:${spec!.tag ?? 'latest'}`)
  const fromText = req.from ?? spec?.from ?? 'scratch'
  const from = parseBaseSpec(fromText, req.from ? cwd : projectDir)
  const inSpec = (p: string): string => (isAbsolute(p) ? p : join(projectDir, p))
  const inCwd = (p: string): string => resolve(cwd, p)
  const shownOf = (p: string): string => (isAbsolute(p) ? basename(p) : p.replace(/\/+$/, ''))

  const layers: PlannedLayer[] = []
  const rootfs = req.rootfs ? req.rootfs.map((p) => ({path: inCwd(p), shown: p})) : (spec?.rootfs ?? []).map((p) => ({path: inSpec(p), shown: p}))
  for (const r of rootfs) {
    layers.push({role: 'rootfs', createdBy: `sysbuild build: rootfs ${shownOf(r.shown)}`, sources: [{source: r.path, destination: '/', shown: r.shown}]})
  }
  const copies = (spec?.copy ?? []).map((c): LayerSource => ({
    source: inSpec(c.source),
    destination: c.destination,
    shown: c.source,
    ...(c.mode ? {fileMode: parseInt(c.mode, 8)} : {}),
    owner: parseOwner(c.owner),
  }))
  if (copies.length) {
    layers.push({role: 'copy', createdBy: `sysbuild build: copy ${(spec?.copy ?? []).map((c) => c.destination).join(' ')}`, sources: copies})
  }

  const exportsNamed = req.exports ?? spec?.exports
  const exportsDir = req.exports ? inCwd(req.exports) : inSpec(spec?.exports ?? 'exports')
  const hasExports = existsSync(exportsDir)
  if (!hasExports && exportsNamed !== undefined) {
    throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `exports directory ${exportsNamed}: no such directory`)
  }
  const hostFiles = (spec?.host_files ?? []).map((h): LayerSource => ({
    source: inSpec(h.source),
    destination: `/exports/hostfs${h.destination}`,
    shown: h.source,
    owner: {uid: 0, gid: 0},
    ...(h.mode ? {fileMode: parseInt(h.mode, 8)} : {}),
  }))
  if (hasExports || hostFiles.length) {
    const sources: LayerSource[] = [
      ...(hasExports ? [{source: exportsDir, destination: '/exports', owner: {uid: 0, gid: 0}, shown: req.exports ?? spec?.exports ?? 'exports'}] : []),
      ...hostFiles,
    ]
    layers.push({role: 'exports', createdBy: 'sysbuild build: exports', sources})
  } else {
    warnings.push('no exports directory: the image has no /exports and cannot be installed as a system container')
  }
  const remove = outermostRemovals(req.remove ? req.remove.map((p) => checkRemovePath(p, '--remove')) : (spec?.remove ?? []).map((p) => checkRemovePath(p, `${shownSpec}: remove`)))
  if (remove.length && !layers.length) layers.push({role: 'remove', createdBy: `sysbuild build: remove ${remove.join(' ')}`, sources: []})
  const lintTarget = hasExports ? (req.exports ? exportsDir : spec ? projectDir : exportsDir) : undefined

  const cfg = spec?.config ?? {}
  const settings: Omit<ImageSettings, 'created'> = {
    os: req.os ?? spec?.os,
    architecture: req.architecture ?? spec?.architecture,
    env: cfg.env,
    entrypoint: cfg.entrypoint,
    cmd: cfg.cmd,
    workdir: cfg.workdir,
    user: cfg.user,
    stopSignal: cfg.stop_signal,
    labels: {...(spec?.labels ?? {}), ...(req.labels ?? {})},
    annotations: spec?.annotations || req.annotations ? {...(spec?.annotations ?? {}), ...(req.annotations ?? {})} : undefined,
  }
  return {projectDir, specFile: spec ? specFile : undefined, spec, image, fromText, from, layers, lintTarget, remove, settings, warnings}
}

function parseOwner(owner: string | undefined): {uid: number; gid: number} {
  if (!owner) return {uid: 0, gid: 0}
  const [u, g] = owner.split(':')
  const uid = Number(u)
  return {uid, gid: g === undefined ? uid : Number(g)}
}

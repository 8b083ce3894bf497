/**
 * `sysbuild build`: spec → lint → base → layers → config/manifest → local store (+ outputs).
 * Everything is written into a staging area first and committed at the end, so a failed build leaves the
 * store as it was.
 */
import {performance} from 'node:perf_hooks'
import {SysbuildError} from '../core/index.js'
import type {Finding} from '../exports/index.js'
import type {Credential} from '../registry/index.js'
import {
  assembleImage, configPlatform, epochToRfc3339, hostPlatform, makeLayer, openStaging, writeCachedLayer,
  type Compression, type Digest, type ImageStore, type NewLayer, type Platform,
} from '../image/index.js'
import {decideXattrs, type XattrMode} from '../image/index.js'
import {planRemovals} from './build-remove.js'
import {resolveBase, type RegistryBaseResolver} from './build-base.js'
import type {DockerConnection} from './build-docker.js'
import {writeOutputs, type OutputResult} from './build-output.js'
import {planBuild, type BuildRequest} from './build-plan.js'
import {parseOutputSpec} from './build-reference.js'
import {checkBaseLayers} from './base-layer-check.js'
import {imageLabels} from './build-labels.js'
import {checkedLayersDir, layerCacheDir, openLocalStore} from './store-path.js'

export interface BuildOptions extends BuildRequest {
  /** --root: where the local store lives (see store-path.ts). */
  readonly root?: string
  /** --output values: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG]. */
  readonly outputs?: readonly string[]
  /** Load the image into a Docker daemon. */
  readonly load?: boolean
  readonly docker?: DockerConnection
  /** Lint the exports first and refuse on errors (default true). */
  readonly lint?: boolean
  readonly compression?: Compression
  readonly level?: number
  /** Compression threads for pgzip (default: the CPU count, 2 to 8); the output does not depend on it. */
  readonly jobs?: number
  /** SOURCE_DATE_EPOCH (seconds); default 0 (1970-01-01T00:00:00Z), a fixed value so builds reproduce. */
  readonly epoch?: number
  /** Carry device nodes instead of refusing them. */
  readonly devices?: boolean
  /** Extended attributes (over the spec's `xattrs`): auto (default: when getfattr is installed, else one warning), true (getfattr required), false. */
  readonly xattrs?: XattrMode
  /** Use the layer cache (default true). */
  readonly cache?: boolean
  readonly registry?: RegistryBaseResolver
  /** How a registry base is pulled (push's and pull's --creds, --plain-http, --tls-verify). */
  readonly registryAccess?: RegistryAccess
  readonly onEvent?: (e: BuildEvent) => void
}

export interface RegistryAccess {
  /** --creds / --creds-stdin: for every registry (else docker's config.json, credential helpers, podman's auth.json). */
  readonly credential?: Credential
  /** Plain HTTP (default: only to loopback registries). */
  readonly plainHttp?: boolean
  /** Verify TLS certificates (default true). */
  readonly tlsVerify?: boolean
}

export type BuildEvent =
  | {readonly kind: 'step'; readonly step: string; readonly detail?: string}
  | {readonly kind: 'layer'; readonly index: number; readonly files: number; readonly totalFiles: number; readonly bytes: number; readonly totalBytes: number}
  | {readonly kind: 'warning'; readonly message: string}

export interface BuiltLayer {
  readonly digest: Digest
  readonly diffId: Digest
  readonly mediaType: string
  readonly size: number
  readonly tarSize?: number
  readonly entries?: number
  readonly createdBy: string
  /** Inherited from the base (reused untouched). */
  readonly base: boolean
  readonly cached: boolean
}

export interface BuildResult {
  readonly reference: string
  readonly name: string
  readonly tag: string
  /** Manifest digest: the image's identity. */
  readonly digest: Digest
  readonly mediaType: string
  /** Bytes of manifest + config + all layers. */
  readonly size: number
  readonly config: Digest
  readonly platform: Platform
  readonly layers: readonly BuiltLayer[]
  readonly store: string
  readonly outputs: readonly OutputResult[]
  readonly lint: {readonly errors: number; readonly warnings: number; readonly skipped: boolean}
  readonly warnings: readonly string[]
  /** Milliseconds per step, in order. */
  readonly timings: readonly {readonly step: string; readonly ms: number}[]
}

export async function buildImage(opts: BuildOptions): Promise<BuildResult> {
  const timings: {step: string; ms: number}[] = []
  const emit = opts.onEvent ?? (() => {})
  const timed = async <T>(step: string, fn: () => Promise<T>, detail?: string): Promise<T> => {
    emit({kind: 'step', step, detail})
    const t0 = performance.now()
    try {
      return await fn()
    } finally {
      timings.push({step, ms: Math.round(performance.now() - t0)})
    }
  }
  const epoch = checkEpoch(opts.epoch ?? 0)
  const compression = opts.compression ?? 'pgzip'
  const cwd = opts.cwd ?? process.cwd()
  const outputs = (opts.outputs ?? []).map((o) => parseOutputSpec(o, cwd))

  const plan = await timed('plan', () => planBuild(opts))
  for (const w of plan.warnings) emit({kind: 'warning', message: w})
  const warnings = [...plan.warnings]
  const warn = (message: string): void => {
    warnings.push(message)
    emit({kind: 'warning', message})
  }
  const xattrs = decideXattrs(opts.xattrs ?? plan.spec?.xattrs ?? 'auto')
  if (xattrs.warning) warn(xattrs.warning)
  const lint = await timed('lint', () => lintStep(plan.lintTarget, opts.lint !== false))

  const local = await openLocalStore({root: opts.root})
  const stage = await openStaging(local)
  const layers: BuiltLayer[] = []
  const cacheKeys: {key: string; layer: Parameters<typeof writeCachedLayer>[2]}[] = []
  let assembled
  try {
    const host = hostPlatform()
    const architecture = plan.settings.architecture ?? host.architecture
    const platform: Platform = {os: plan.settings.os ?? 'linux', architecture, ...(architecture === host.architecture && host.variant ? {variant: host.variant} : {})}
    const base = await timed('base', async () => {
      const b = await resolveBase(plan.from, {target: stage, local, platform, registry: opts.registry ?? registryBases(local, opts.registryAccess ?? {}, warn), docker: opts.docker, shown: plan.fromText})
      await checkBaseLayers(stage, b.manifest?.layers ?? [], checkedLayersDir({root: opts.root}))
      return b
    }, plan.fromText)
    for (const [i, l] of (base.manifest?.layers ?? []).entries()) {
      layers.push({digest: l.digest, diffId: base.config!.rootfs.diff_ids[i] as Digest, mediaType: l.mediaType, size: l.size, createdBy: `base ${plan.fromText}`, base: true, cached: true})
    }
    const removed = plan.remove.length ? await timed('remove', () => planRemovals(stage, base.manifest?.layers ?? [], plan.remove, epoch)) : undefined
    for (const w of removed?.warnings ?? []) warn(w)
    const made: NewLayer[] = []
    for (const [i, p] of plan.layers.entries()) {
      const r = await timed(`layer ${i + 1}: ${p.role}`, () =>
        makeLayer(stage, p.sources, {
          compression,
          level: opts.level,
          jobs: opts.jobs,
          epoch,
          devices: opts.devices,
          getfattr: xattrs.getfattr,
          removals: i === 0 ? removed?.removals : undefined,
          cacheDir: opts.cache === false ? undefined : layerCacheDir({root: opts.root}),
          onProgress: (x) => emit({kind: 'layer', index: i, ...x}),
        }), p.createdBy)
      made.push({layer: r, createdBy: p.createdBy})
      for (const key of r.cacheKeys) cacheKeys.push({key, layer: {descriptor: r.descriptor, diffId: r.diffId, tarSize: r.tarSize, entries: r.entries}})
      layers.push({digest: r.descriptor.digest, diffId: r.diffId, mediaType: r.descriptor.mediaType, size: r.descriptor.size, tarSize: r.tarSize, entries: r.entries, createdBy: p.createdBy, base: false, cached: r.cached})
    }
    const built = configPlatform(base, plan.settings, host)
    const labels = imageLabels({image: plan.image, architecture: built.architecture, variant: built.variant, user: plan.settings.labels})
    assembled = await timed('assemble', () => assembleImage(stage, base, made, {...plan.settings, labels, created: epochToRfc3339(epoch)}))
    await timed('commit', async () => {
      await stage.commit()
      await local.tag(plan.image.reference, assembled!.descriptor)
    })
  } catch (e) {
    await stage.discard()
    throw e
  }
  if (opts.cache !== false) {
    for (const c of cacheKeys) await writeCachedLayer(layerCacheDir({root: opts.root}), c.key, c.layer).catch(() => {})
  }
  const written = await timed('outputs', () =>
    writeOutputs(local, assembled.descriptor, {outputs, load: opts.load ?? false, docker: opts.docker, image: plan.image, epoch}),
  )
  const size = assembled.descriptor.size + assembled.manifest.config.size + assembled.manifest.layers.reduce((n, l) => n + l.size, 0)
  return {
    reference: plan.image.reference,
    name: plan.image.name,
    tag: plan.image.tag,
    digest: assembled.descriptor.digest,
    mediaType: assembled.descriptor.mediaType,
    size,
    config: assembled.manifest.config.digest,
    platform: assembled.descriptor.platform!,
    layers,
    store: local.dir,
    outputs: written,
    lint,
    warnings,
    timings,
  }
}

async function lintStep(target: string | undefined, enabled: boolean): Promise<BuildResult['lint']> {
  if (!enabled || !target) return {errors: 0, warnings: 0, skipped: true}
  // The linter (every rule, the runtime-spec schema) loads only when a build lints.
  const {lintPaths} = await import('../exports/index.js')
  const report = await lintPaths([target])
  if (report.errors > 0) {
    const errors = report.findings.filter((f: Finding) => f.severity === 'error')
    const shown = errors.slice(0, 5).map((f: Finding) => `${f.file}${f.line ? `:${f.line}` : ''}: ${f.message} [${f.rule}]`)
    throw new SysbuildError('SYSBUILD_LINT_FOUND_ERRORS', `lint found ${report.errors} error(s) in the exports; not building:\n  ${shown.join('\n  ')}${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ''}`, {
      suggestions: ['Fix them (sysbuild lint shows all findings)', 'or build anyway with --no-lint'],
    })
  }
  return {errors: 0, warnings: report.warnings, skipped: false}
}

/** Registry bases through the registry client, which is loaded only when a base really comes from a registry. */
const registryBases = (local: ImageStore, access: RegistryAccess, onWarning: (text: string) => void): RegistryBaseResolver => async (ref, ctx) => {
  const {keychain, registryBaseResolver} = await import('../registry/index.js')
  const connection = {...(access.plainHttp !== undefined ? {plainHttp: access.plainHttp} : {}), ...(access.tlsVerify !== undefined ? {tlsVerify: access.tlsVerify} : {})}
  return registryBaseResolver(local, {credentials: keychain(access.credential ? {explicit: access.credential} : {}), ...connection, onWarning})(ref, ctx)
}

function checkEpoch(epoch: number): number {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > 253402300799) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `SOURCE_DATE_EPOCH must be whole seconds since 1970 (got ${epoch})`)
  }
  return epoch
}

export type {ImageStore}

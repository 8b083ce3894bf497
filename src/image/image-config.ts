/** The config of a built image: the base's runtime defaults overlaid with the build's settings, plus new layers. */
import type {BaseImage} from './base/base-image.js'
import type {LayerResult} from './layer/layer-writer.js'
import type {HistoryEntry, ImageConfig, RuntimeDefaults} from './types.js'

export interface ImageSettings {
  readonly os?: string
  readonly architecture?: string
  readonly variant?: string
  /** NAME=VALUE; a name already set by the base is replaced in place, new names are appended. */
  readonly env?: readonly string[]
  /** Replaces the base's; as in Docker, also clears the base's Cmd unless `cmd` is given. */
  readonly entrypoint?: readonly string[]
  readonly cmd?: readonly string[]
  readonly workdir?: string
  readonly user?: string
  readonly stopSignal?: string
  /** Merged over the base's labels. */
  readonly labels?: Readonly<Record<string, string>>
  /** Manifest annotations. */
  readonly annotations?: Readonly<Record<string, string>>
  /** RFC 3339 time for `created` and the new history entries. */
  readonly created: string
  readonly author?: string
}

export interface NewLayer {
  readonly layer: LayerResult
  /** What made the layer, for history (no host paths: they would break reproducibility). */
  readonly createdBy: string
  readonly comment?: string
}

export function composeConfig(base: BaseImage, layers: readonly NewLayer[], s: ImageSettings, host: {os: string; architecture: string; variant?: string}): ImageConfig {
  const b = base.config
  const rt: RuntimeDefaults = {...(b?.config ?? {})}
  if (s.env?.length) rt.Env = mergeEnv(rt.Env ?? [], s.env)
  if (s.entrypoint) {
    rt.Entrypoint = [...s.entrypoint]
    if (!s.cmd) delete rt.Cmd
  }
  if (s.cmd) rt.Cmd = [...s.cmd]
  if (s.workdir !== undefined) rt.WorkingDir = s.workdir
  if (s.user !== undefined) rt.User = s.user
  if (s.stopSignal !== undefined) rt.StopSignal = s.stopSignal
  rt.Labels = {...(rt.Labels ?? {}), ...(s.labels ?? {})}
  const history: HistoryEntry[] = [
    ...(b?.history ?? []),
    ...layers.map((l) => ({created: s.created, created_by: l.createdBy, ...(l.comment ? {comment: l.comment} : {})})),
  ]
  const {os, architecture, variant} = configPlatform(base, s, host)
  return {
    created: s.created,
    ...(s.author ? {author: s.author} : b?.author ? {author: b.author} : {}),
    architecture,
    os,
    ...(variant ? {variant} : {}),
    config: rt,
    rootfs: {type: 'layers', diff_ids: [...(b?.rootfs.diff_ids ?? []), ...layers.map((l) => l.layer.diffId)]},
    history,
  }
}

/** The platform a built image gets: the build's settings, else the base's, else the host's. */
export function configPlatform(base: BaseImage, s: Pick<ImageSettings, 'os' | 'architecture' | 'variant'>, host: {os: string; architecture: string; variant?: string}): {os: string; architecture: string; variant?: string} {
  const b = base.config
  const os = s.os ?? b?.os ?? host.os
  const architecture = s.architecture ?? b?.architecture ?? host.architecture
  const variant = s.variant ?? (s.architecture ? undefined : b?.variant) ?? (architecture === host.architecture ? host.variant : undefined)
  return {os, architecture, ...(variant ? {variant} : {})}
}

function mergeEnv(base: readonly string[], add: readonly string[]): string[] {
  const out = [...base]
  for (const kv of add) {
    const key = kv.slice(0, kv.indexOf('=') + 1)
    const i = out.findIndex((x) => x.startsWith(key))
    if (i === -1) out.push(kv)
    else out[i] = kv
  }
  return out
}

/** RFC 3339 (UTC, whole seconds) of a SOURCE_DATE_EPOCH value. */
export const epochToRfc3339 = (epoch: number): string => new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * The labels of a built image, as system-buildah set them: `name` (the image name) and `architecture` (in
 * `uname -m` spelling: x86_64, aarch64, ...) by default, then the spec's `[labels]`, then `--label`; and
 * `atomic.type=system` always. version, summary, maintainer, license, help and distribution-scope are the user's.
 */
import {SysbuildError} from '../core/index.js'
import type {ImageName} from './build-reference.js'

/** GOARCH → the spelling of system-buildah's `architecture` label (its default was x86_64). */
const LABEL_ARCH: Readonly<Record<string, string>> = {
  amd64: 'x86_64', arm64: 'aarch64', '386': 'i686', ppc64le: 'ppc64le', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64',
}

/** `amd64` → `x86_64`, `arm64` → `aarch64`, `arm` v6/v7 → `armv6l`/`armv7l`; anything else as it is. */
export function labelArchitecture(architecture: string, variant?: string): string {
  if (architecture === 'arm') return `armv${/^v([5-8])$/.exec(variant ?? '')?.[1] ?? '7'}l`
  return LABEL_ARCH[architecture] ?? architecture
}

/** The repository path without a registry host: `localhost:5000/team/app` → `team/app`. */
export function labelName(image: ImageName): string {
  const parts = image.name.split('/')
  const first = parts[0]!
  const hosted = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  return hosted ? parts.slice(1).join('/') : image.name
}

export interface LabelInput {
  readonly image: ImageName
  readonly architecture: string
  readonly variant?: string
  /** The spec's labels merged with --label (the user's: they win over the defaults). */
  readonly user?: Readonly<Record<string, string>>
}

export function imageLabels(input: LabelInput): Record<string, string> {
  return {
    name: labelName(input.image),
    architecture: labelArchitecture(input.architecture, input.variant),
    ...(input.user ?? {}),
    'atomic.type': 'system',
  }
}

/** `KEY=VALUE` items (split at the first `=`; the value may be empty) → a record; later items win. */
export function parseKeyValues(items: readonly string[], flag: string): Record<string, string> {
  // No prototype: `--label __proto__=x` is a label like any other.
  const out: Record<string, string> = Object.create(null)
  for (const item of items) {
    const eq = item.indexOf('=')
    if (eq <= 0) {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `${flag} ${JSON.stringify(item)}: expected KEY=VALUE`, {
        suggestions: [`For example: ${flag} ${flag === '--label' ? 'version=1.0' : 'org.opencontainers.image.version=1.0'}`],
      })
    }
    out[item.slice(0, eq)] = item.slice(eq + 1)
  }
  return out
}

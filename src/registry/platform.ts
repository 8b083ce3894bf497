/** `--platform os/arch[/variant]` and picking a manifest of an index for it. */
import {SysbuildError} from '../core/index.js'
import {RegistryError} from './errors.js'
import {hostPlatform, pickPlatform, type Descriptor, type Platform} from '../image/model.js'

/** Parse `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`; undefined → the host's platform. */
export function parsePlatform(text: string | undefined): Platform {
  if (text === undefined || text === '') return hostPlatform()
  const parts = text.split('/')
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `invalid platform ${JSON.stringify(text)}: write os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8`)
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined]
  // arm64 images rarely carry variant v8: treat linux/arm64/v8 as linux/arm64 with a preference, not a requirement
  return {os, architecture, ...(variant ? {variant} : {})}
}

export const formatPlatform = (p: Platform): string => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`

/** The index entry for `want`; none → SYSBUILD_REGISTRY_NO_MATCHING_PLATFORM listing what there is. */
export function selectManifest(manifests: readonly Descriptor[], want: Platform, what: string): Descriptor {
  try {
    return pickPlatform(manifests, want, what)
  } catch (e) {
    if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_NOT_FOUND') {
      throw new RegistryError('SYSBUILD_REGISTRY_NO_MATCHING_PLATFORM', e.message, undefined, [], {
        suggestions: ['Pick one of the listed platforms with --platform os/architecture[/variant]'],
      })
    }
    throw e
  }
}

/** Platforms in Go's GOOS/GOARCH spelling, and picking a manifest from an index. */
import {SysbuildError} from '../core/index.js'
import type {Descriptor, Platform} from './descriptor.js'

const NODE_TO_GOARCH: Record<string, string> = {
  x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle',
}

/** The platform of the machine sysbuild runs on. */
export function hostPlatform(): Platform {
  const architecture = NODE_TO_GOARCH[process.arch] ?? process.arch
  return {os: 'linux', architecture, ...(architecture === 'arm' ? {variant: 'v7'} : {})}
}

/** The manifest of an index for `want` (os + architecture, variant when given); a single entry is taken as is. */
export function pickPlatform(manifests: readonly Descriptor[], want: Platform, what: string): Descriptor {
  if (manifests.length === 0) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${what} lists no manifests`)
  const withPlatform = manifests.filter((m) => m.platform)
  if (withPlatform.length === 0) {
    if (manifests.length === 1) return manifests[0]!
    throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${what} lists ${manifests.length} manifests without platforms; name one by digest`)
  }
  const match = withPlatform.filter((m) => m.platform!.os === want.os && m.platform!.architecture === want.architecture && (!want.variant || !m.platform!.variant || m.platform!.variant === want.variant))
  if (match[0]) return match[0]
  const have = withPlatform.map((m) => `${m.platform!.os}/${m.platform!.architecture}${m.platform!.variant ? `/${m.platform!.variant}` : ''}`)
  throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${what} has no image for ${want.os}/${want.architecture} (it has ${have.join(', ')})`, {
    suggestions: ['Set architecture in sysbuild.toml to one of those, or pick another base'],
  })
}

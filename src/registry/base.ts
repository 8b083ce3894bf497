/**
 * Registry references as build bases (`from = "docker.io/library/busybox:1.36"`): pull into the local store
 * (so the base is cached there for the next build, as docker and podman do), then hand the build its manifest,
 * config and layers through the image domain's `baseFromStore`.
 */
import type {BaseImage, ImageStore, Platform} from '../image/index.js'
import type {ClientOptions} from './client.js'
import {pullImage, type PullOptions} from './pull.js'

export type RegistryBaseResolver = (ref: string, ctx: {readonly target: ImageStore; readonly platform: Platform}) => Promise<BaseImage>

export function registryBaseResolver(local: ImageStore, opts: ClientOptions & Pick<PullOptions, 'jobs' | 'onProgress'> = {}): RegistryBaseResolver {
  return async (ref, ctx) => {
    const pulled = await pullImage(ref, local, {...opts, platform: ctx.platform})
    // Loaded here: the registry's own entry point does not load the image domain's bases.
    const {baseFromStore} = await import('../image/index.js')
    return baseFromStore(local, ctx.target, {ref: pulled.reference, platform: ctx.platform, shown: ref, portableName: true})
  }
}

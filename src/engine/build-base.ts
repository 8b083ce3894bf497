/** Resolve the `from` of a build into a BaseImage whose layers are in the (staging) store. */
import {createReadStream} from 'node:fs'
import {stat} from 'node:fs/promises'
import {SysbuildError} from '../core/index.js'
import {baseFromArchive, baseFromStore, openLayout, SCRATCH, type BaseImage, type ImageStore, type Platform} from '../image/index.js'
import type {BaseSpec} from './build-reference.js'
import {savedImageStream, type DockerConnection} from './build-docker.js'

/**
 * The hook through which registry bases arrive: given a reference (e.g. `registry.example/etcd:3.5`), pull the
 * image for `platform` and put its layers into `target`. The registry client provides it; until it is wired up,
 * registry bases fail with SYSBUILD_IMAGE_INVALID_REFERENCE.
 */
export type RegistryBaseResolver = (ref: string, ctx: {readonly target: ImageStore; readonly platform: Platform}) => Promise<BaseImage>

export interface ResolveBaseContext {
  /** Where base layers go (the build's staging store). */
  readonly target: ImageStore
  /** The local image store (bases named without a transport are looked up there first). */
  readonly local: ImageStore
  readonly platform: Platform
  readonly registry?: RegistryBaseResolver
  readonly docker?: DockerConnection
  /** The `from` text as the user wrote it (for messages). */
  readonly shown: string
}

export async function resolveBase(spec: BaseSpec, ctx: ResolveBaseContext): Promise<BaseImage> {
  switch (spec.kind) {
    case 'scratch':
      return SCRATCH
    case 'oci': {
      const src = await openLayout(spec.path)
      return baseFromStore(src, ctx.target, {ref: spec.ref, platform: ctx.platform, shown: ctx.shown})
    }
    case 'oci-archive':
    case 'docker-archive': {
      const st = await stat(spec.path).catch(() => undefined)
      if (!st?.isFile()) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${ctx.shown}: ${spec.path} is not a file`)
      return baseFromArchive(createReadStream(spec.path), ctx.target, {ref: spec.ref, platform: ctx.platform, shown: ctx.shown})
    }
    case 'docker-daemon':
      return baseFromArchive(await savedImageStream(spec.ref, ctx.docker), ctx.target, {ref: spec.ref, platform: ctx.platform, shown: ctx.shown, portableName: true})
    case 'store': {
      if (await ctx.local.resolve(spec.ref)) {
        return baseFromStore(ctx.local, ctx.target, {ref: spec.ref, platform: ctx.platform, shown: ctx.shown, portableName: true})
      }
      if (!spec.ref.includes(':') && (await ctx.local.resolve(`${spec.ref}:latest`))) {
        return baseFromStore(ctx.local, ctx.target, {ref: `${spec.ref}:latest`, platform: ctx.platform, shown: ctx.shown, portableName: true})
      }
      return fromRegistry(spec.ref, ctx)
    }
    case 'registry':
      return fromRegistry(spec.ref, ctx)
  }
}

async function fromRegistry(ref: string, ctx: ResolveBaseContext): Promise<BaseImage> {
  if (!ctx.registry) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_REFERENCE', `${ctx.shown}: not in the local store, and registry bases need the registry client`, {
      suggestions: ['Pull the image first, or use oci:PATH, oci-archive:FILE, docker-archive:FILE or docker-daemon:NAME'],
    })
  }
  const base = await ctx.registry(ref, {target: ctx.target, platform: ctx.platform})
  return {...base, portableName: true}
}

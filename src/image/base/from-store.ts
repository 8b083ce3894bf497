/** A base image read from an OCI layout (or any store): resolve, pick the platform, copy its layers verified. */
import {SysbuildError} from '../../core/index.js'
import {isIndexMediaType, isManifestMediaType} from '../media-types.js'
import {pickPlatform} from '../platform.js'
import {REF_NAME, type Descriptor, type ImageIndex} from '../types.js'
import type {Platform} from '../descriptor.js'
import type {ImageStore} from '../layout/store.js'
import type {BaseImage} from './base-image.js'
import {checkConfig, checkManifest, normalizeLayerDescriptor} from './normalize.js'

export interface BaseFromStoreOptions {
  /** ref.name or digest; when absent the layout must hold exactly one image. */
  readonly ref?: string
  readonly platform: Platform
  /** How to name the base in messages. */
  readonly shown: string
  readonly portableName?: boolean
}

/** Resolve a base in `source` and copy its layers into `target` (each verified against its digest). */
export async function baseFromStore(source: ImageStore, target: ImageStore, opts: BaseFromStoreOptions): Promise<BaseImage> {
  const top = await resolveTop(source, opts)
  const manifestDesc = await descend(source, top, opts)
  const manifest = checkManifest(await source.readJson(manifestDesc.digest, manifestDesc.size), `${opts.shown} manifest ${manifestDesc.digest}`)
  const config = checkConfig(await source.readJson(manifest.config.digest, manifest.config.size), manifest.layers.length, `${opts.shown} config ${manifest.config.digest}`)
  const layers = manifest.layers.map((l) => normalizeLayerDescriptor(l, opts.shown))
  for (const l of layers) {
    if (await target.hasBlob(l.digest)) continue
    await target.putBlob(await source.openBlob(l.digest, l.size), {digest: l.digest, size: l.size}).catch((e: unknown) => {
      if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_NOT_FOUND') {
        throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: layer ${l.digest} is missing`, {}, e)
      }
      if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_DIGEST_MISMATCH') {
        throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${opts.shown}: layer ${l.digest} is corrupt: ${e.message}`, e.hint, e)
      }
      throw e
    })
  }
  return {name: opts.shown, digest: manifestDesc.digest, manifest: {...manifest, layers}, config, portableName: opts.portableName}
}

async function resolveTop(source: ImageStore, opts: BaseFromStoreOptions): Promise<Descriptor> {
  if (opts.ref !== undefined) {
    const d = await source.resolve(opts.ref)
    if (!d) {
      const refs = (await source.listRefs()).map((r) => r.ref)
      throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.shown}: no image named ${JSON.stringify(opts.ref)}`, {
        suggestions: refs.length ? [`Known names: ${refs.join(', ')}`] : ['The layout holds no named images'],
      })
    }
    return d
  }
  const index = await source.readIndex()
  if (index.manifests.length === 0) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.shown} holds no images`)
  if (index.manifests.length > 1 && index.manifests.some((m) => !m.platform)) {
    const named = index.manifests.map((m) => m.annotations?.[REF_NAME] ?? m.digest)
    throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.shown} holds ${index.manifests.length} images; say which one`, {
      suggestions: [`Append :NAME, one of: ${named.join(', ')}`],
    })
  }
  return pickPlatform(index.manifests, opts.platform, opts.shown)
}

async function descend(source: ImageStore, d: Descriptor, opts: BaseFromStoreOptions): Promise<Descriptor> {
  let cur = d
  for (let depth = 0; depth < 4; depth++) {
    if (isManifestMediaType(cur.mediaType)) return cur
    if (!isIndexMediaType(cur.mediaType)) {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: ${cur.digest} has media type ${cur.mediaType}, not an image manifest or index`)
    }
    const idx = await source.readJson<ImageIndex>(cur.digest, cur.size)
    if (!Array.isArray(idx?.manifests)) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: index ${cur.digest} has no manifests list`)
    cur = pickPlatform(idx.manifests, opts.platform, `${opts.shown} index ${cur.digest}`)
  }
  throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown}: indexes nested too deeply`)
}

/**
 * The images `sysbuild lint IMAGE` reads: a name in the local store, `oci:DIR[:REF]` (an OCI layout; also
 * spelled `oci-layout:`), `oci-archive:FILE[:REF]`, `docker-archive:FILE[:NAME:TAG]` and
 * `docker-daemon:NAME[:TAG]`. Nothing is pulled and the local store is never created or written: layouts and
 * the store are read in place, archives are unpacked into a scratch layout the caller owns.
 */
import {createReadStream, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {
  baseFromArchive, baseFromStore, hostPlatform, openLayout, type BaseImage, type ImageStore,
} from '../image/index.js'
import {parseBaseSpec, parseImageName} from './build-reference.js'
import {savedImageStream, type DockerConnection} from './build-docker.js'
import {findInStore} from './image-source.js'
import {imageStoreDir} from './store-path.js'

export interface OpenedImage {
  /** Manifest (layers normalized to OCI media types) and config. */
  readonly base: BaseImage & Required<Pick<BaseImage, 'manifest' | 'config'>>
  /** Where the layer blobs are. */
  readonly store: ImageStore
}

export interface OpenImageOptions {
  /** --root: where the local store lives. */
  readonly root?: string
  /** Base for relative paths (default: process.cwd()). */
  readonly cwd?: string
  /** An empty directory for archives' blobs. */
  readonly scratch: string
  readonly docker?: DockerConnection
}

const TRANSPORT = /^(oci|oci-layout|oci-archive|docker-archive|docker-daemon|docker):/
const DIGEST = /^sha256:[a-f0-9]{64}$/

const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

const exists = (p: string): boolean => {
  try {
    statSync(p)
    return true
  } catch {
    return false
  }
}

/**
 * Whether a lint argument names an image: not an existing directory, and either spelled with an image
 * transport or a valid image name (or digest) that is not an existing file.
 */
export function isImageArgument(arg: string, cwd = process.cwd()): boolean {
  const path = resolve(cwd, arg)
  if (isDirectory(path)) return false
  if (TRANSPORT.test(arg)) return true
  if (exists(path)) return false
  if (DIGEST.test(arg)) return true
  try {
    parseImageName(arg)
    return true
  } catch {
    return false
  }
}

/** Open the image `reference` names, for reading its manifest, config and layers. */
export async function openImage(reference: string, opts: OpenImageOptions): Promise<OpenedImage> {
  const spec = parseBaseSpec(reference, opts.cwd ?? process.cwd())
  const platform = hostPlatform()
  const shown = reference
  switch (spec.kind) {
    case 'oci': {
      const layout = await openLayout(spec.path)
      return complete(await baseFromStore(layout, layout, {ref: spec.ref, platform, shown}), layout, shown)
    }
    case 'oci-archive':
    case 'docker-archive':
    case 'docker-daemon': {
      const scratch = await openLayout(opts.scratch, {create: true})
      let input
      if (spec.kind === 'docker-daemon') input = await savedImageStream(spec.ref, opts.docker)
      else {
        if (!exists(spec.path) || isDirectory(spec.path)) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${shown}: ${spec.path} is not a file`)
        input = createReadStream(spec.path)
      }
      return complete(await baseFromArchive(input, scratch, {ref: spec.ref, platform, shown}), scratch, shown)
    }
    case 'store': {
      const store = await openLayout(imageStoreDir({root: opts.root})).catch((e: unknown) => {
        if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_NOT_FOUND') return undefined
        throw e
      })
      const desc = store ? await findInStore(store, spec.ref) : undefined
      if (!store || !desc) throw notFound(reference)
      return complete(await baseFromStore(store, store, {ref: desc.digest, platform, shown}), store, shown)
    }
    case 'scratch':
    case 'registry':
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `${shown}: lint reads local images only`, {
        suggestions: ['sysbuild pull the image first, then lint it by name', 'or give oci:DIR, oci-archive:FILE, docker-archive:FILE or docker-daemon:NAME'],
      })
  }
}

function complete(base: BaseImage, store: ImageStore, shown: string): OpenedImage {
  if (!base.manifest || !base.config) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown} has no image manifest or config`)
  return {base: base as OpenedImage['base'], store}
}

const notFound = (reference: string): SysbuildError =>
  new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${reference}: no such directory, and no image of that name in the local store`, {
    suggestions: ['sysbuild images lists the local store', 'Give a project directory, a local image name, oci:DIR, oci-archive:FILE or docker-archive:FILE'],
  })

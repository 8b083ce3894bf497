/** `sysbuild save`: write an image of the local store to oci:, oci-archive: or docker-archive: (or a daemon). */
import {SysbuildError} from '../core/index.js'
import {isDigest, type Digest} from '../image/index.js'
import type {DockerConnection} from './build-docker.js'
import {writeOutputs, type OutputResult} from './build-output.js'
import {parseImageName, parseOutputSpec} from './build-reference.js'
import {openLocalStore} from './store-path.js'

export interface SaveOptions {
  /** NAME[:TAG] in the local store (or a manifest digest). */
  readonly image: string
  readonly outputs: readonly string[]
  readonly load?: boolean
  readonly docker?: DockerConnection
  readonly root?: string
  readonly cwd?: string
  /** Time stamp of archive entries (default 0). */
  readonly epoch?: number
}

export interface SaveResult {
  readonly reference: string
  readonly digest: Digest
  readonly outputs: readonly OutputResult[]
}

export async function saveImage(opts: SaveOptions): Promise<SaveResult> {
  if (!opts.outputs.length && !opts.load) {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', 'say where the image goes: --output TRANSPORT:PATH or --load')
  }
  const outputs = opts.outputs.map((o) => parseOutputSpec(o, opts.cwd ?? process.cwd()))
  const name = isDigest(opts.image) ? undefined : parseImageName(opts.image)
  const store = await openLocalStore({root: opts.root})
  const desc = await store.resolve(name?.reference ?? opts.image)
  if (!desc) {
    const known = (await store.listRefs()).map((r) => r.ref)
    throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `${opts.image} is not in the local store (${store.dir})`, {
      suggestions: known.length ? [`Images there: ${known.join(', ')}`] : ['Build it first with sysbuild build'],
    })
  }
  const image = name ?? {name: 'image', tag: 'latest', reference: 'image:latest'}
  const written = await writeOutputs(store, desc, {outputs, load: opts.load ?? false, docker: opts.docker, image, epoch: opts.epoch ?? 0})
  return {reference: image.reference, digest: desc.digest, outputs: written}
}

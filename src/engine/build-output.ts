/** Where a built image goes besides the local store: OCI layout dirs, archives, a Docker daemon. */
import {copyImage, imageArchiveStream, openLayout, writeImageArchive, type Descriptor, type ImageStore} from '../image/index.js'
import {loadIntoDocker, type DockerConnection} from './build-docker.js'
import type {ImageName, OutputSpec} from './build-reference.js'

export interface OutputResult {
  readonly kind: OutputSpec['kind'] | 'docker-daemon'
  /** File or directory written (absent for the daemon). */
  readonly path?: string
  /** The name the image carries there. */
  readonly ref: string
}

export interface WriteOutputsOptions {
  readonly outputs: readonly OutputSpec[]
  readonly load: boolean
  readonly docker?: DockerConnection
  readonly image: ImageName
  readonly epoch: number
}

export async function writeOutputs(store: ImageStore, root: Descriptor, o: WriteOutputsOptions): Promise<OutputResult[]> {
  const done: OutputResult[] = []
  for (const out of o.outputs) {
    switch (out.kind) {
      case 'oci': {
        const ref = out.ref ?? o.image.tag
        await copyImage(store, await openLayout(out.path, {create: true}), root, ref)
        done.push({kind: 'oci', path: out.path, ref})
        break
      }
      case 'oci-archive': {
        const ref = out.ref ?? o.image.tag
        await writeImageArchive(store, root, out.path, {ref, epoch: o.epoch})
        done.push({kind: 'oci-archive', path: out.path, ref})
        break
      }
      case 'docker-archive': {
        const ref = out.ref ?? o.image.reference
        await writeImageArchive(store, root, out.path, {ref, dockerTags: [ref], epoch: o.epoch})
        done.push({kind: 'docker-archive', path: out.path, ref})
        break
      }
    }
  }
  if (o.load) {
    await loadIntoDocker(await imageArchiveStream(store, root, {ref: o.image.reference, dockerTags: [o.image.reference], epoch: o.epoch}), o.docker)
    done.push({kind: 'docker-daemon', ref: o.image.reference})
  }
  return done
}

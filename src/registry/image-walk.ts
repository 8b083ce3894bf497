/**
 * The parts of a stored image a push sends: its manifests (children before the index that lists them, as exact
 * bytes) and the distinct blobs (configs and layers) they reference.
 */
import {SysbuildError} from '../core/index.js'
import {isDigest, isIndexMediaType, type Descriptor, type ImageStore} from '../image/model.js'

export interface ManifestPart {
  readonly descriptor: Descriptor
  readonly bytes: Buffer
  /** The document's own mediaType, else the descriptor's. */
  readonly mediaType: string
}

export interface ImageParts {
  /** Children first; the root is last. */
  readonly manifests: readonly ManifestPart[]
  readonly blobs: readonly Descriptor[]
}

const MAX_DEPTH = 4

function checkDescriptor(d: unknown, what: string): Descriptor {
  const x = d as Partial<Descriptor> | null
  if (!x || typeof x.mediaType !== 'string' || !isDigest(x.digest) || !Number.isSafeInteger(x.size) || (x.size ?? -1) < 0) {
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what} is not a valid sha256 descriptor`)
  }
  return x as Descriptor
}

export async function walkImage(store: ImageStore, root: Descriptor, shown: string): Promise<ImageParts> {
  const manifests: ManifestPart[] = []
  const blobs = new Map<string, Descriptor>()
  const seen = new Set<string>()
  const visit = async (d: Descriptor, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown}: indexes nested too deeply`)
    if (seen.has(d.digest)) return
    seen.add(d.digest)
    const bytes = await store.readBlob(d.digest, d.size)
    let doc: {mediaType?: unknown; manifests?: unknown; config?: unknown; layers?: unknown}
    try {
      doc = JSON.parse(bytes.toString('utf8')) as typeof doc
    } catch {
      throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown}: manifest ${d.digest} is not JSON`)
    }
    const mediaType = typeof doc.mediaType === 'string' && doc.mediaType ? doc.mediaType : d.mediaType
    if (isIndexMediaType(mediaType) || Array.isArray(doc.manifests)) {
      const children = Array.isArray(doc.manifests) ? doc.manifests : []
      for (const [i, c] of children.entries()) await visit(checkDescriptor(c, `${shown}: index ${d.digest} manifests[${i}]`), depth + 1)
    } else {
      const config = checkDescriptor(doc.config, `${shown}: manifest ${d.digest} config`)
      blobs.set(config.digest, config)
      const layers = Array.isArray(doc.layers) ? doc.layers : []
      for (const [i, l] of layers.entries()) {
        const layer = checkDescriptor(l, `${shown}: manifest ${d.digest} layers[${i}]`)
        if (!blobs.has(layer.digest)) blobs.set(layer.digest, layer)
      }
    }
    manifests.push({descriptor: d, bytes, mediaType})
  }
  await visit(root, 0)
  return {manifests, blobs: [...blobs.values()]}
}

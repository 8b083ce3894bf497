/** The blobs an image needs: manifest, config, layers (of one manifest, or every manifest of an index). */
import {SysbuildError} from '../../core/index.js'
import {isIndexMediaType} from '../media-types.js'
import type {Descriptor, ImageIndex, ImageManifest} from '../types.js'
import type {ImageStore} from '../layout/store.js'

export async function imageClosure(store: ImageStore, root: Descriptor): Promise<Descriptor[]> {
  const out = new Map<string, Descriptor>()
  const visit = async (d: Descriptor, depth: number): Promise<void> => {
    if (depth > 4) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', 'indexes nested too deeply')
    if (out.has(d.digest)) return
    out.set(d.digest, d)
    if (isIndexMediaType(d.mediaType)) {
      const idx = await store.readJson<ImageIndex>(d.digest, d.size)
      for (const m of idx.manifests) await visit(m, depth + 1)
    } else {
      const m = await store.readJson<ImageManifest>(d.digest, d.size)
      out.set(m.config.digest, m.config)
      for (const l of m.layers) out.set(l.digest, l)
    }
  }
  await visit(root, 0)
  return [...out.values()]
}

/** Copy an image's blobs from one store to another (verified on the way) and name it `ref` there. */
export async function copyImage(src: ImageStore, dest: ImageStore, root: Descriptor, ref?: string): Promise<void> {
  for (const d of await imageClosure(src, root)) {
    if (await dest.hasBlob(d.digest)) continue
    await dest.putBlob(await src.openBlob(d.digest, d.size), {digest: d.digest, size: d.size})
  }
  if (ref !== undefined) await dest.tag(ref, root)
}

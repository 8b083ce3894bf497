/** Mark and sweep: blobs reachable from index.json stay, the rest goes. */
import {readdir, rm, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {isDigest, type Digest} from '../digest.js'
import {isIndexMediaType, isManifestMediaType} from '../media-types.js'
import type {Descriptor, ImageIndex, ImageManifest} from '../types.js'
import type {GcOptions, GcResult, ImageStore} from './store.js'

/** Every digest reachable from the given roots (manifests, indexes, configs, layers, subjects). */
export async function reachableDigests(store: ImageStore, roots: readonly Descriptor[]): Promise<Set<Digest>> {
  const seen = new Set<Digest>()
  const stack = [...roots]
  while (stack.length) {
    const d = stack.pop()!
    if (seen.has(d.digest)) continue
    seen.add(d.digest)
    if (!(await store.hasBlob(d.digest))) continue
    if (isIndexMediaType(d.mediaType)) {
      const idx = await store.readJson<ImageIndex>(d.digest, d.size)
      stack.push(...(idx.manifests ?? []), ...(idx.subject ? [idx.subject] : []))
    } else if (isManifestMediaType(d.mediaType)) {
      const m = await store.readJson<ImageManifest>(d.digest, d.size)
      stack.push(m.config, ...(m.layers ?? []), ...(m.subject ? [m.subject] : []))
    }
  }
  return seen
}

export async function collectGarbage(store: ImageStore, tmpDir: string, opts: GcOptions = {}): Promise<GcResult> {
  const grace = opts.graceMs ?? 0
  const now = Date.now()
  const keep = await reachableDigests(store, (await store.readIndex()).manifests)
  const removed: Digest[] = []
  let freedBytes = 0
  const blobDir = join(store.dir, 'blobs', 'sha256')
  for (const name of (await readdir(blobDir).catch(() => [] as string[])).sort()) {
    const digest = `sha256:${name}`
    if (isDigest(digest) && keep.has(digest)) continue
    const p = join(blobDir, name)
    const st = await stat(p).catch(() => undefined)
    if (!st || now - st.mtimeMs < grace) continue
    await rm(p, {force: true, recursive: true})
    if (isDigest(digest)) removed.push(digest)
    freedBytes += st.size
  }
  // Temporary files of crashed writers (writers in progress are younger than the grace period, or at least an hour).
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    const p = join(tmpDir, name)
    const st = await stat(p).catch(() => undefined)
    if (st && now - st.mtimeMs >= Math.max(grace, 3_600_000)) await rm(p, {force: true, recursive: true})
  }
  return {removed, freedBytes}
}

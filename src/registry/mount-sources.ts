/**
 * Where else on the target registry a blob may already be, so a push can mount it instead of uploading it:
 * the repositories of other images in the local store that were pulled from (or pushed to) that registry and
 * contain the blob. `pull` names stored images by their full reference, which is what makes this work.
 */
import {imageClosure, type ImageStore} from '../image/model.js'
import {parseReference} from './reference.js'

/** digest → repositories on `registry` (other than `exclude`) whose images hold it. */
export async function mountSources(store: ImageStore, registry: string, exclude: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  const add = (digest: string, repo: string) => {
    const list = out.get(digest) ?? []
    if (!list.includes(repo)) out.set(digest, [...list, repo])
  }
  const refs = await store.listRefs()
  for (const {ref, descriptor} of refs) {
    let repo: string
    try {
      const parsed = parseReference(ref)
      if (parsed.registry !== registry || parsed.repository === exclude) continue
      repo = parsed.repository
    } catch {
      continue
    }
    const parts = await imageClosure(store, descriptor).catch(() => [])
    for (const d of parts) add(d.digest, repo)
  }
  return out
}

/** Repositories to try for a blob: those known to hold it, then the explicitly named ones. */
export const candidatesFor = (sources: ReadonlyMap<string, readonly string[]>, digest: string, extra: readonly string[], exclude: string): string[] =>
  [...new Set([...(sources.get(digest) ?? []), ...extra])].filter((r) => r !== exclude).slice(0, 3)

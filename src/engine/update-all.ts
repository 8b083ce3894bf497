/**
 * `sysbuild update --all` (atomic-semantics.md §10): every installed container, one
 * after the other; a failure does not stop the others. Each update rolls back on its
 * own when its container does not start again.
 */
import {isSysbuildError} from '../core/index.js'
import {digestHex} from '../image/index.js'
import {readActive} from './active.js'
import {containerNames} from './containers-list.js'
import {resolveImage} from './image-source.js'
import type {EngineOptions} from './install.js'
import {hostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {updateContainer} from './update.js'

export type UpdateStatus = 'Updated now' | 'Updated' | 'Failed' | 'Unknown'

/** One row of the SUMMARY (and one element of `update --all --json`); image ids are hex manifest digests. */
export interface UpdateSummaryRow {
  readonly container: string
  readonly imageIdBefore: string
  readonly imageIdAfter: string
  readonly latestImageId: string
  readonly status: UpdateStatus
  readonly error?: string
}

export async function updateAll(opts: EngineOptions = {}): Promise<UpdateSummaryRow[]> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const rows: UpdateSummaryRow[] = []
  for (const name of containerNames(paths)) {
    let before = ''
    let latest = ''
    try {
      const active = await readActive(paths, name)
      before = active.info.revision
      latest = digestHex((await resolveImage(active.info.image, {root: opts.root})).manifestDigest)
    } catch (e) {
      rows.push({container: name, imageIdBefore: before, imageIdAfter: before, latestImageId: latest, status: 'Unknown', error: (e as Error).message})
      continue
    }
    try {
      const r = await updateContainer({...opts, name, reporter})
      rows.push({container: name, imageIdBefore: before, imageIdAfter: latest, latestImageId: latest, status: r.status === 'updated' ? 'Updated now' : 'Updated'})
    } catch (e) {
      reporter.warn(`${name}: ${(e as Error).message}`)
      rows.push({container: name, imageIdBefore: before, imageIdAfter: before, latestImageId: latest, status: 'Failed', ...(isSysbuildError(e) ? {error: `${e.code}: ${e.message}`} : {error: String(e)})})
    }
  }
  return rows
}

/** atomic's SUMMARY table (image ids cut to 12 characters). */
export function formatUpdateSummary(rows: readonly UpdateSummaryRow[]): string[] {
  const head = ['Container', 'Image ID before update', 'Image ID after update', 'Latest image ID', 'Status']
  const cells = rows.map((r) => [r.container, r.imageIdBefore.slice(0, 12), r.imageIdAfter.slice(0, 12), r.latestImageId.slice(0, 12), r.status])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()
  return ['SUMMARY', line(head), ...cells.map(line)]
}

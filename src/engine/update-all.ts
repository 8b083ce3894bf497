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
import type {UpdateSummaryRow} from './update-summary.js'

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

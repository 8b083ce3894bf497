/** The rows of `sysbuild update --all` and atomic's SUMMARY table (no I/O: commands load it at start-up). */

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

/** atomic's SUMMARY table (image ids cut to 12 characters). */
export function formatUpdateSummary(rows: readonly UpdateSummaryRow[]): string[] {
  const head = ['Container', 'Image ID before update', 'Image ID after update', 'Latest image ID', 'Status']
  const cells = rows.map((r) => [r.container, r.imageIdBefore.slice(0, 12), r.imageIdAfter.slice(0, 12), r.latestImageId.slice(0, 12), r.status])
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()
  return ['SUMMARY', line(head), ...cells.map(line)]
}

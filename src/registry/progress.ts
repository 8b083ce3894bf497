/**
 * Progress of a push or pull as events, and a tracker that turns them into text: one bar per blob (bytes,
 * rate) for a terminal, or one quiet line per finished blob otherwise. The tracker only formats; the command
 * decides where the text goes.
 */

export type BlobState = 'checking' | 'exists' | 'mounted' | 'uploading' | 'uploaded' | 'downloading' | 'downloaded'

export type ProgressEvent =
  | {readonly kind: 'blob'; readonly digest: string; readonly size: number; readonly state: BlobState; readonly bytes?: number; readonly from?: string}
  | {readonly kind: 'retry'; readonly digest?: string; readonly reason: string}
  | {readonly kind: 'manifest'; readonly digest: string; readonly reference: string; readonly state: 'pushed' | 'pulled'}

const DONE: ReadonlySet<BlobState> = new Set(['exists', 'mounted', 'uploaded', 'downloaded'])

interface Row {
  digest: string
  size: number
  state: BlobState
  bytes: number
  started: number
  from?: string
}

export const short = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12)

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export class ProgressTracker {
  private readonly rows = new Map<string, Row>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Apply an event; returns the quiet line it completes (a finished blob, a manifest, a retry), if any. */
  update(e: ProgressEvent): string | undefined {
    if (e.kind === 'retry') return `retrying${e.digest ? ` ${short(e.digest)}` : ''}: ${e.reason}`
    if (e.kind === 'manifest') return `${e.state === 'pushed' ? 'pushed' : 'pulled'} manifest ${short(e.digest)} (${e.reference})`
    const known = this.rows.get(e.digest)
    const wasDone = known !== undefined && DONE.has(known.state)
    const row = known ?? {digest: e.digest, size: e.size, state: e.state, bytes: 0, started: this.now()}
    row.state = e.state
    if (e.bytes !== undefined) row.bytes = e.bytes
    if (e.from) row.from = e.from
    if (DONE.has(e.state)) row.bytes = e.size
    this.rows.set(e.digest, row)
    if (!DONE.has(e.state) || wasDone) return undefined
    const how = e.state === 'exists' ? 'already there' : e.state === 'mounted' ? `mounted from ${row.from ?? 'another repository'}` : e.state
    return `${short(e.digest)} ${how} (${humanBytes(e.size)})`
  }

  /** One line per blob for a terminal: `abcdef012345 uploading  [=====>    ]  12.0 MiB / 30.0 MiB  8.1 MiB/s`. */
  bars(width = 24): string[] {
    return [...this.rows.values()].map((r) => {
      const frac = r.size > 0 ? Math.min(1, r.bytes / r.size) : 1
      const fill = Math.round(frac * width)
      const bar = `[${'='.repeat(Math.max(0, fill - 1))}${fill > 0 ? (frac >= 1 ? '=' : '>') : ''}${' '.repeat(width - fill)}]`
      const secs = Math.max(0.001, (this.now() - r.started) / 1000)
      const rate = DONE.has(r.state) || r.bytes === 0 ? '' : `  ${humanBytes(r.bytes / secs)}/s`
      return `${short(r.digest)} ${r.state.padEnd(11)} ${bar} ${humanBytes(r.bytes)} / ${humanBytes(r.size)}${rate}`
    })
  }
}

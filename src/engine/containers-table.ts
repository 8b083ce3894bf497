/** What `sysbuild containers` shows: an entry's fields, the filter keys, and atomic's table (no I/O: commands load it at start-up). */

export const CONTAINER_FILTER_KEYS = ['container', 'image', 'command', 'created', 'state', 'runtime', 'backend'] as const

export interface ContainerEntry {
  readonly id: string
  readonly image_id: string
  readonly image_name: string
  readonly name: string
  readonly command: string
  /** Local time, YYYY-MM-DD HH:MM. */
  readonly created: string
  readonly state: 'running' | 'failed' | 'inactive' | 'no service' | 'broken'
  readonly backend: 'sysbuild'
  readonly runtime: string
  readonly vulnerable: boolean
  readonly running: boolean
}

const COLUMNS: readonly {readonly title: string; readonly width: number; readonly value: (e: ContainerEntry) => string}[] = [
  {title: ' ', width: 2, value: (e) => (e.vulnerable ? '*' : ' ')},
  {title: 'CONTAINER ID', width: 12, value: (e) => e.id},
  {title: 'IMAGE', width: 20, value: (e) => e.image_name},
  {title: 'NAME', width: 10, value: (e) => e.name},
  {title: 'COMMAND', width: 10, value: (e) => e.command},
  {title: 'CREATED', width: 16, value: (e) => e.created},
  {title: 'STATE', width: 10, value: (e) => e.state},
  {title: 'BACKEND', width: 10, value: (e) => e.backend},
  {title: 'RUNTIME', width: 10, value: (e) => e.runtime},
]

/** atomic's table: fixed widths (values cut to fit) or, with noTrunc, as wide as the longest value. */
export function formatContainerTable(entries: readonly ContainerEntry[], opts: {noTrunc?: boolean; noHeading?: boolean; quiet?: boolean} = {}): string[] {
  if (entries.length === 0) return []
  if (opts.quiet) return entries.map((e) => e.id)
  const widths = COLUMNS.map((c) => (opts.noTrunc ? Math.max(c.width, c.title.length, ...entries.map((e) => c.value(e).length)) : c.width))
  const row = (cells: string[]): string => cells.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i]!)).join(' ').trimEnd()
  const rows = entries.map((e) => row(COLUMNS.map((c) => c.value(e))))
  return opts.noHeading ? rows : [row(COLUMNS.map((c) => c.title)), ...rows]
}

/**
 * What `install --dry-run` shows: every file the install would write, with its full
 * content (binary host files by size and digest), and every command it would run.
 */
import {join} from 'node:path'
import type {ValueSource} from '../exports/index.js'
import type {DeploymentPlan} from './deployment-plan.js'
import {renderInfo} from './info-file.js'
import {containerPaths, TMPFILES_DIR, UNIT_DIR, tmpfilesCopyName, unitCopyName, type HostPaths} from './paths.js'
import type {ServiceManager} from './service-manager.js'

export interface PreviewFile {
  /** Target path. */
  readonly path: string
  readonly kind: 'file' | 'dir' | 'symlink' | 'rootfs'
  readonly mode?: string
  readonly content?: string
  readonly target?: string
  /** For binary files and the rootfs: a summary instead of the content. */
  readonly summary?: string
}

export interface PlanPreview {
  readonly name: string
  readonly image: string
  readonly imageId: string
  readonly deployment: string
  readonly values: Readonly<Record<string, {readonly value: string; readonly source: ValueSource}>>
  readonly files: readonly PreviewFile[]
  readonly existing: readonly string[]
  readonly commands: readonly string[]
  readonly warnings: readonly string[]
}

const isText = (b: Buffer): boolean => {
  if (b.includes(0)) return false
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(b)
    return true
  } catch {
    return false
  }
}

export function describePlan(plan: DeploymentPlan, paths: HostPaths, sm: ServiceManager): PlanPreview {
  const cp = containerPaths(paths, plan.name)
  const d = plan.destdir
  const files: PreviewFile[] = []
  const c = plan.rootfs.checkout
  if (plan.info.remote) files.push({path: `${d}/rootfs`, kind: 'symlink', target: plan.info.remote})
  else files.push({path: `${d}/rootfs`, kind: 'rootfs', summary: plan.hasService ? `${c.linked + c.copied} files and ${c.dirs} directories from ${plan.rootfs.layers.length} layer(s) of ${plan.image.reference}` : 'removed after the host files are copied (noContainerService)'})
  files.push({path: `${d}/config.json`, kind: 'file', content: plan.config.text})
  if (plan.unit !== undefined) {
    files.push({path: join(d, unitCopyName(plan.name)), kind: 'file', content: plan.unit})
    files.push({path: join(UNIT_DIR, `${plan.name}.service`), kind: 'file', content: plan.unit})
  }
  if (plan.tmpfiles !== undefined) {
    files.push({path: join(d, tmpfilesCopyName(plan.name)), kind: 'file', content: plan.tmpfiles})
    files.push({path: join(TMPFILES_DIR, `${plan.name}.conf`), kind: 'file', content: plan.tmpfiles})
  }
  for (const a of plan.hostFiles.actions) {
    const mode = a.mode.toString(8).padStart(4, '0')
    if (a.kind === 'dir') files.push({path: a.path, kind: 'dir', mode})
    else if (a.kind === 'symlink') files.push({path: a.path, kind: 'symlink', target: a.target!})
    else if (isText(a.data!)) files.push({path: a.path, kind: 'file', mode, content: a.data!.toString('utf8')})
    else files.push({path: a.path, kind: 'file', mode, summary: `binary, ${a.data!.length} bytes, sha256 ${a.checksum}`})
  }
  const checksums = Object.fromEntries(plan.hostFiles.actions.map((a) => [a.path, a.checksum]))
  files.push({path: `${d}/info`, kind: 'file', content: renderInfo({...plan.info, 'installed-files': Object.keys(checksums), 'installed-files-checksum': checksums})})
  files.push({path: join(paths.checkoutsTarget, plan.name), kind: 'symlink', target: d})
  const commands: string[] = []
  const add = (argv: string[] | undefined): void => void (argv && commands.push(argv.join(' ')))
  if (plan.hasService || plan.tmpfiles !== undefined) {
    add(sm.argv('daemon-reload'))
    if (plan.tmpfiles !== undefined) add(sm.argv('tmpfiles-create', cp.tmpfiles))
    if (plan.hasService) add(sm.argv('enable', plan.name))
  }
  const values = Object.fromEntries(Object.entries(plan.values).map(([k, v]) => [k, {value: v, source: plan.sources[k] ?? 'set'}]))
  return {
    name: plan.name,
    image: plan.image.reference,
    imageId: plan.info.revision,
    deployment: d,
    values,
    files,
    existing: plan.hostFiles.existing,
    commands,
    warnings: plan.warnings,
  }
}

/** The preview as text lines (what the CLI prints). */
export function formatPlanPreview(p: PlanPreview): string[] {
  const out: string[] = [`Dry run: install ${p.image} (${p.imageId.slice(0, 12)}) as ${p.name}; nothing is changed.`, '']
  for (const f of p.files) {
    if (f.kind === 'dir') out.push(`=== ${f.path}/ (directory, mode ${f.mode})`)
    else if (f.kind === 'symlink') out.push(`=== ${f.path} -> ${f.target}`)
    else if (f.summary !== undefined) out.push(`=== ${f.path} (${f.summary})`)
    else {
      out.push(`=== ${f.path}${f.mode ? ` (mode ${f.mode})` : ''}`)
      out.push(...f.content!.replace(/\n$/, '').split('\n'))
    }
    out.push('')
  }
  for (const e of p.existing) out.push(`File ${e} already exists (left alone)`)
  if (p.commands.length) out.push('Commands:', ...p.commands.map((c) => `  ${c}`))
  return out
}

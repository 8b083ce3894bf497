/**
 * Test images for the engine, built with umoci (an independent OCI tool) from a
 * busybox-static rootfs (environment.md §2, §4): a project's rootfs/ and exports/ are
 * laid out as `sysbuild build` would, then `umoci insert` makes the layer.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {createServer} from 'node:net'
import {join} from 'node:path'

export const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0

/** Reasons the engine integration tests cannot run here (empty: they can). */
export function engineTestBlockers(extra: string[] = []): string[] {
  return [
    process.getuid?.() === 0 ? undefined : 'not root',
    has('runc') ? undefined : 'runc not installed',
    has('umoci') ? undefined : 'umoci not installed',
    existsSync('/bin/busybox') ? undefined : '/bin/busybox missing (apt-get install busybox-static)',
    ...extra.map((t) => (has(t) ? undefined : `${t} not installed`)),
  ].filter((x): x is string => x !== undefined)
}

export function sh(cmd: string, args: string[], opts: {cwd?: string; input?: string} = {}): string {
  const r = spawnSync(cmd, args, {encoding: 'utf8', cwd: opts.cwd, input: opts.input})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
  return r.stdout
}

/** A minimal busybox rootfs at `dir`. */
export function busyboxTree(dir: string): void {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'run', 'var/lib']) mkdirSync(join(dir, d), {recursive: true})
  cpSync('/bin/busybox', join(dir, 'bin/busybox'))
  chmodSync(join(dir, 'bin/busybox'), 0o755)
  sh('chroot', [dir, '/bin/busybox', '--install', '-s'])
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\n')
}

export interface ImageSpec {
  /** Files to add (path inside the image → content); executable when the path is under a bin dir or ends in .sh. */
  readonly files?: Readonly<Record<string, string>>
  /** Directories to copy into the image (source dir → destination inside the image). */
  readonly trees?: Readonly<Record<string, string>>
  /** Symlinks to create (path inside the image → target). */
  readonly symlinks?: Readonly<Record<string, string>>
  /** Empty directories to create. */
  readonly dirs?: readonly string[]
  readonly labels?: Readonly<Record<string, string>>
  readonly cmd?: readonly string[]
  /** No busybox: only the given files (images that are rendered, never run). */
  readonly bare?: boolean
}

/** Build `layout:tag` (a single layer on an empty image) with umoci. Returns the oci-layout: reference. */
export function umociImage(work: string, layout: string, tag: string, spec: ImageSpec): string {
  const tree = join(work, `tree-${tag}-${Math.random().toString(36).slice(2, 8)}`)
  if (spec.bare) mkdirSync(tree, {recursive: true})
  else busyboxTree(tree)
  for (const [src, dest] of Object.entries(spec.trees ?? {})) cpSync(src, join(tree, dest), {recursive: true})
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    const p = join(tree, path)
    mkdirSync(join(p, '..'), {recursive: true})
    writeFileSync(p, content)
    if (/\/bin\/|\.sh$/.test(path)) chmodSync(p, 0o755)
  }
  for (const d of spec.dirs ?? []) mkdirSync(join(tree, d), {recursive: true})
  for (const [path, target] of Object.entries(spec.symlinks ?? {})) {
    mkdirSync(join(tree, path, '..'), {recursive: true})
    symlinkSync(target, join(tree, path))
  }
  if (!existsSync(join(layout, 'oci-layout'))) sh('umoci', ['init', '--layout', layout])
  sh('umoci', ['new', '--image', `${layout}:${tag}`])
  sh('umoci', ['insert', '--image', `${layout}:${tag}`, tree, '/'])
  const config = ['config', '--image', `${layout}:${tag}`, '--os', 'linux', '--architecture', 'amd64']
  for (const [k, v] of Object.entries(spec.labels ?? {})) config.push(`--config.label=${k}=${v}`)
  for (const c of spec.cmd ?? []) config.push(`--config.cmd=${c}`)
  sh('umoci', config)
  sh('umoci', ['gc', '--layout', layout])
  return `oci-layout:${layout}:${tag}`
}

export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as {port: number}).port
  await new Promise((r) => srv.close(r))
  return port
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, tries = 150): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const v = await probe()
    if (v !== undefined) return v
    await sleep(100)
  }
  return undefined
}

export async function httpGet(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url)
    return res.ok ? await res.text() : undefined
  } catch {
    return undefined
  }
}

/**
 * Every path under `dir` with its type, mode and, for files and symlinks, a hash of the
 * content or target: a tree snapshot for before/after comparisons (`skip` drops subtrees).
 */
export function treeSnapshot(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${name}` : name
      if (skip(r)) continue
      const p = join(abs, name)
      const st = lstatSync(p)
      const mode = (st.mode & 0o7777).toString(8)
      if (st.isDirectory()) {
        out[r] = `d ${mode}`
        walk(p, r)
      } else if (st.isSymbolicLink()) out[r] = `l -> ${readlinkSync(p)}`
      else if (st.isFile()) out[r] = `f ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16)}`
      else out[r] = `o ${mode}`
    }
  }
  if (existsSync(dir)) walk(dir, '')
  return out
}

/** sysbuild's private area under the checkout root: a cache, not host state. */
export const isSysbuildState = (rel: string): boolean => /(^|\/)var\/lib\/containers\/atomic\/\.sysbuild(\/|$)/.test(rel)

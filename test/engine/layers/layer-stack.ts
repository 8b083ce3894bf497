/**
 * Multi-layer images for the checkout tests, made without our code: each layer is a directory tree
 * (whiteouts as empty `.wh.NAME` files, opaque markers as `.wh..wh..opq`) archived by GNU tar, and the
 * OCI layout around the layers (blobs, config, manifest, index.json) is written here with node:crypto
 * digests. The oracle unpacks the same layout with umoci; trees are compared by a GNU find listing,
 * file sha256 sums and hard-link groups.
 */
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, lchownSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

export const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0

export function sh(cmd: string, args: readonly string[], opts: {cwd?: string; input?: string} = {}): string {
  const r = spawnSync(cmd, [...args], {encoding: 'utf8', cwd: opts.cwd, input: opts.input, maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
  return r.stdout
}

/** Owner and mode of an entry; ownership is applied only as root. */
export interface Meta {
  readonly mode?: number
  readonly owner?: readonly [number, number]
}

/** Writes one layer's tree. Paths are relative to the layer root; parents are made 0755 unless made first. */
export class LayerTree {
  constructor(readonly root: string) {
    mkdirSync(root, {recursive: true, mode: 0o755})
    chmodSync(root, 0o755)
  }

  private meta(p: string, m: Meta, link = false): void {
    if (!link && m.mode !== undefined) chmodSync(p, m.mode)
    if (m.owner && process.getuid?.() === 0) lchownSync(p, m.owner[0], m.owner[1])
  }

  private parent(rel: string): string {
    const p = join(this.root, rel)
    mkdirSync(dirname(p), {recursive: true, mode: 0o755})
    return p
  }

  dir(rel: string, m: Meta = {}): this {
    const p = this.parent(rel)
    mkdirSync(p, {recursive: true})
    this.meta(p, {mode: 0o755, ...m})
    return this
  }

  file(rel: string, body: string, m: Meta = {}): this {
    const p = this.parent(rel)
    writeFileSync(p, body)
    this.meta(p, {mode: 0o644, ...m})
    return this
  }

  symlink(rel: string, target: string, m: Meta = {}): this {
    symlinkSync(target, this.parent(rel))
    this.meta(join(this.root, rel), m, true)
    return this
  }

  hardlink(rel: string, existing: string): this {
    linkSync(join(this.root, existing), this.parent(rel))
    return this
  }

  /** The whiteout of `rel` (deletes it from the layers below). */
  whiteout(rel: string): this {
    return this.file(join(dirname(rel), `.wh.${rel.split('/').pop()}`), '')
  }

  /** The opaque marker of directory `rel` (hides everything the layers below put in it). */
  opaque(rel: string): this {
    return this.file(join(rel, '.wh..wh..opq'), '')
  }
}

export interface LayerSpec {
  readonly build: (t: LayerTree) => void
  /**
   * Archive only non-directories (`find ! -type d`): the layer has no entries for the directories
   * that hold its files, as some layer writers produce; they must not override lower metadata.
   */
  readonly withoutDirs?: boolean
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

/** GNU tar of one layer tree: sorted names, numeric owners, fixed mtimes. */
function gnuTar(tree: string, out: string, withoutDirs: boolean): Buffer {
  const names = sh('find', ['.', '-mindepth', '1', ...(withoutDirs ? ['!', '-type', 'd'] : []), '-print0'], {cwd: tree})
  sh('tar', ['--numeric-owner', '--format=gnu', '--sort=name', '--mtime=@1700000000', '-cf', out, '-C', tree, '--no-recursion', '--null', '-T', '-'], {input: names})
  return readFileSync(out)
}

/** An OCI layout at `layout` whose tag `tag` stacks the layers (lowest first), uncompressed tar blobs. */
export function writeLayout(work: string, layout: string, tag: string, layers: readonly LayerSpec[]): string {
  return writeLayoutOfTars(layout, tag, layers.map((spec, i) => {
    const tree = new LayerTree(join(work, `${tag}-layer${i}`))
    spec.build(tree)
    return gnuTar(tree.root, join(work, `${tag}-layer${i}.tar`), spec.withoutDirs ?? false)
  }))
}

/** An OCI layout at `layout` whose tag `tag` stacks the given uncompressed tar layers (lowest first). */
export function writeLayoutOfTars(layout: string, tag: string, tars: readonly Buffer[]): string {
  const blobs = join(layout, 'blobs', 'sha256')
  mkdirSync(blobs, {recursive: true})
  const put = (data: Buffer | string): {digest: string; size: number} => {
    const hex = sha256(data)
    writeFileSync(join(blobs, hex), data)
    return {digest: `sha256:${hex}`, size: Buffer.byteLength(data)}
  }
  const descs = tars.map((tar) => put(tar))
  const config = put(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {},
    rootfs: {type: 'layers', diff_ids: descs.map((d) => d.digest)},
  }))
  const manifest = put(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {mediaType: 'application/vnd.oci.image.config.v1+json', ...config},
    layers: descs.map((d) => ({mediaType: 'application/vnd.oci.image.layer.v1.tar', ...d})),
  }))
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({imageLayoutVersion: '1.0.0'}))
  writeFileSync(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: {'org.opencontainers.image.ref.name': tag}}],
  }))
  return `${layout}:${tag}`
}

/** umoci's own rootfs of `image` (layout:tag) at `dest`. */
export function umociRootfs(image: string, dest: string): string {
  sh('umoci', ['raw', 'unpack', '--image', image, dest])
  return dest
}

/**
 * What a tree holds, by GNU find: name, type, mode, owner, size of files, symlink target, and the sha256
 * of every regular file (sha256sum); then the hard-link groups (names sharing an inode, inside the tree).
 */
export function treeListing(dir: string): string[] {
  const rows = sh('find', ['.', '-mindepth', '1', '-printf', '%P %y %m %U:%G %s %l\\n'], {cwd: dir})
    .split('\n').filter(Boolean)
    .map((row) => (row.split(' ')[1] === 'd' ? row.replace(/ \d+ $/, ' - ') : row))
  const files = sh('find', ['.', '-type', 'f', '-printf', '%P\\0'], {cwd: dir}).split('\0').filter(Boolean)
  const sums = files.length === 0 ? [] : sh('sha256sum', ['--', ...files], {cwd: dir}).split('\n').filter(Boolean).map((l) => `sha256 ${l.slice(66)} ${l.slice(0, 64)}`)
  const byInode = new Map<string, string[]>()
  for (const row of sh('find', ['.', '-type', 'f', '-links', '+1', '-printf', '%i %P\\n'], {cwd: dir}).split('\n').filter(Boolean)) {
    const [ino, ...name] = row.split(' ')
    byInode.set(ino!, [...(byInode.get(ino!) ?? []), name.join(' ')])
  }
  const groups = [...byInode.values()].filter((g) => g.length > 1).map((g) => `hardlinks ${g.sort().join(' ')}`)
  return [...rows, ...sums, ...groups].sort()
}

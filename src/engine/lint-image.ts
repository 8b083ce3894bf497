/**
 * `sysbuild lint IMAGE`: lint the `/exports` inside an image. Only the exports part of each layer is extracted
 * (exports-filter.ts), layers are stacked with their whiteouts applied (checkout.ts), and the result is linted
 * like a directory, with the image's config labels as lint labels. Findings name `IMAGE:/exports/<file>`.
 * Everything is written under one temp directory, removed at the end.
 */
import {chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, type Stats} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {EXPORTS_FILES, lintExportsSet, loadExports, type ExportsSet, type Finding, type LintRunOptions} from '../exports/index.js'
import {layerCompression, type Descriptor} from '../image/index.js'
import type {DockerConnection} from './build-docker.js'
import {exportsOnly} from './exports-filter.js'
import {checkoutLayers} from './layers/checkout.js'
import {decompressor} from './layers/decompress.js'
import {extractLayer} from './layers/extract-layer.js'
import {openImage, type OpenedImage} from './lint-image-source.js'
import {defaultContainerName} from './names.js'

export interface LintImageOptions extends LintRunOptions {
  /** --root: where the local store lives. */
  readonly root?: string
  readonly cwd?: string
  readonly docker?: DockerConnection
}

const lstatMaybe = (p: string): Stats | undefined => {
  try {
    return lstatSync(p)
  } catch {
    return undefined
  }
}

/** Lint the /exports of the image `reference` names (see lint-image-source.ts for the spellings). */
export async function lintImage(reference: string, opts: LintImageOptions = {}): Promise<Finding[]> {
  const tmp = await mkdtemp(join(tmpdir(), 'sysbuild-lint-'))
  try {
    const image = await openImage(reference, {root: opts.root, cwd: opts.cwd, docker: opts.docker, scratch: join(tmp, 'archive')})
    const tree = join(tmp, 'tree')
    await stackExports(image, join(tmp, 'layers'), tree)
    // The exports alone, in a directory named like the container (the sample $NAME); nothing else of the image
    // (a hard link's target, say) can then pass for a Dockerfile or sysbuild.toml.
    const project = join(tmp, 'project', sampleName(reference))
    mkdirSync(project, {recursive: true})
    const exportsDir = join(project, 'exports')
    const top = lstatMaybe(join(tree, 'exports'))
    const shownDir = `${reference}:/exports`
    if (!top) return [notSystemContainer(shownDir, 'the image has no /exports')]
    if (!top.isDirectory()) {
      return [{rule: 'exports/unreadable-file', severity: 'error', file: shownDir, message: `is ${top.isSymbolicLink() ? 'a symlink' : 'not a directory'}; /exports must be a directory`}]
    }
    renameSync(join(tree, 'exports'), exportsDir)
    makeReadable(exportsDir)
    const pre = neutralizeLinks(exportsDir, shownDir)
    if (readdirSync(exportsDir).length === 0) return [...pre.findings, notSystemContainer(shownDir, 'the image\'s /exports is empty')]
    const loaded = await loadExports(project, {shownBase: project})
    const set = showAs(loaded, shownDir, pre.unreadable)
    const labels = {...(image.base.config.config?.Labels ?? {}), ...(opts.labels ?? {})}
    const findings = await lintExportsSet(set, {...opts, labels})
    const local = (s: string): string => s.split(`${project}/`).join(`${reference}:/`)
    return [...pre.findings, ...findings.map((f) => ({...f, file: local(f.file), message: local(f.message)}))]
  } finally {
    await removeTree(tmp)
  }
}

/** Extract the exports part of every layer and stack them (lowest first) at `dest`. */
async function stackExports(image: OpenedImage, layersDir: string, dest: string): Promise<void> {
  const dirs: string[] = []
  for (const [i, layer] of image.base.manifest.layers.entries()) {
    let dir = join(layersDir, `${i}`)
    const outside = await extractExports(image, layer, dir)
    // A hard link under /exports to a file elsewhere in the layer: extract again, with that file.
    if (outside.size > 0) {
      dir = join(layersDir, `${i}-links`)
      await extractExports(image, layer, dir, outside)
    }
    dirs.push(dir)
  }
  // All layers at once: whiteouts and opaque directories of higher layers apply to lower ones (see checkout.ts).
  checkoutLayers(dirs, dest)
}

async function extractExports(image: OpenedImage, layer: Descriptor, dir: string, targets?: ReadonlySet<string>): Promise<Set<string>> {
  mkdirSync(dir, {recursive: true})
  const tar = decompressor(layerCompression(layer.mediaType) ?? 'none')
  // The store's stream verifies the blob digest at its end; the filter reads every layer to the end.
  const feeding = pipeline(await image.store.openBlob(layer.digest, layer.size), tar)
  feeding.catch(() => {})
  const filtered = exportsOnly(tar, layer.digest, targets)
  // Extended attributes mean nothing to lint (and would need setfattr, and root for file capabilities).
  await extractLayer(filtered.stream, dir, {layer: layer.digest, xattrs: false})
  await feeding
  return filtered.outsideTargets
}

/**
 * What the installer would refuse or ignore is not read from the temp tree: top-level exports files must be
 * regular files, and hostfs a real directory (a symlink there would make lint walk the host).
 */
function neutralizeLinks(exportsDir: string, shownDir: string): {unreadable: ExportsSet['unreadable']; findings: Finding[]} {
  const unreadable: ExportsSet['unreadable'][number][] = []
  const findings: Finding[] = []
  for (const name of EXPORTS_FILES) {
    const path = join(exportsDir, name)
    const st = lstatMaybe(path)
    if (!st || st.isFile()) continue
    rmSync(path, {recursive: true, force: true})
    const what = st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? 'a directory' : 'not a regular file'
    unreadable.push({path, shown: `${shownDir}/${name}`, code: 'SYSBUILD_EXPORTS_SCHEMA_VIOLATION', message: `is ${what}; the installer reads only regular files here`})
  }
  const hostfs = lstatMaybe(join(exportsDir, 'hostfs'))
  if (hostfs && !hostfs.isDirectory()) {
    rmSync(join(exportsDir, 'hostfs'), {force: true})
    findings.push({rule: 'exports/unreadable-file', severity: 'warning', file: `${shownDir}/hostfs`, message: `is ${hostfs.isSymbolicLink() ? 'a symlink' : 'not a directory'}; the installer ignores it`})
  }
  return {unreadable, findings}
}

/** The loaded set, with every shown path under `IMAGE:/exports`. */
function showAs(set: ExportsSet, shownDir: string, unreadable: ExportsSet['unreadable']): ExportsSet {
  const map = (s: string): string => (s === 'exports' ? shownDir : s.startsWith('exports/') ? `${shownDir}/${s.slice('exports/'.length)}` : s)
  const files = Object.fromEntries(Object.entries(set.files).map(([k, f]) => [k, {...f, shown: map(f.shown)}]))
  return {
    ...set,
    shownExportsDir: shownDir,
    files,
    unreadable: [...set.unreadable.map((u) => ({...u, shown: map(u.shown), message: u.message.split(u.shown).join(map(u.shown))})), ...unreadable],
  }
}

const notSystemContainer = (file: string, why: string): Finding => ({
  rule: 'exports/not-system-container',
  severity: 'info',
  file,
  message: `${why}: it is not a system-container image`,
})

/** Lint runs as any user: directories must be listable and files readable in the temp copy. */
function makeReadable(dir: string): void {
  chmodSync(dir, 0o700 | (lstatSync(dir).mode & 0o7777))
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const st = lstatSync(path)
    if (st.isDirectory()) makeReadable(path)
    else if (st.isFile() && (st.mode & 0o400) === 0) chmodSync(path, (st.mode & 0o7777) | 0o400)
  }
}

/** chmod u+rwx every directory under `dir` (best effort). */
function openDirs(dir: string): void {
  try {
    chmodSync(dir, 0o700 | (lstatSync(dir).mode & 0o7777))
    for (const n of readdirSync(dir)) if (lstatSync(join(dir, n)).isDirectory()) openDirs(join(dir, n))
  } catch {
    // what cannot be opened fails later with a clear error
  }
}

async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, {recursive: true, force: true})
  } catch {
    // Read-only directories (from the image) keep a non-root user from deleting their entries.
    openDirs(dir)
    await rm(dir, {recursive: true, force: true})
  }
}

/** The sample container name: what install would call the container (archives: the file name). */
function sampleName(reference: string): string {
  const archive = /^(?:oci-archive|docker-archive):([^:]*)/.exec(reference)
  const raw = archive ? basename(archive[1]!).replace(/\.(?:tar|tar\.gz|tgz)$/, '') : defaultContainerName(reference.replace(/^oci:/, 'oci-layout:').replace(/^docker-daemon:/, ''))
  return raw.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'image'
}

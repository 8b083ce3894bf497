/**
 * The local image store as users see it (`sysbuild images`, `images rm`, `prune`), and
 * which images and extracted layers deployments still use.
 */
import {existsSync, readdirSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {SysbuildError} from '../core/index.js'
import {digestHex, type ImageConfig, type ImageManifest} from '../image/index.js'
import {containerNames} from './containers-list.js'
import {listDir, rmdirIfEmpty} from './fs-util.js'
import {readInfo} from './info-file.js'
import {layerFormatDir} from './layers/cache-format.js'
import type {EngineOptions} from './install.js'
import {hostPaths, type HostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {findInStore} from './image-source.js'
import {openLocalStore} from './store-path.js'

export interface ImageEntry {
  readonly ref: string
  readonly digest: string
  /** First 12 hex digits of the digest, as IMAGE_ID is shown. */
  readonly id: string
  readonly created?: string
  /** Bytes of manifest, config and layers. */
  readonly size: number
  /** Containers whose deployments use this image. */
  readonly usedBy: readonly string[]
}

interface Usage {
  /** Manifest digest → container names (either slot). */
  readonly images: Map<string, string[]>
  /** Extracted-layer keys in use. */
  readonly layers: Set<string>
}

/** Every image and extracted layer any deployment (active or previous) uses. */
export async function deploymentUsage(paths: HostPaths): Promise<Usage> {
  const images = new Map<string, string[]>()
  const layers = new Set<string>()
  for (const name of containerNames(paths)) {
    for (const slot of [0, 1]) {
      const dir = join(paths.checkouts, `${name}.${slot}`)
      if (!existsSync(dir)) continue
      const info = await readInfo(dir).catch(() => undefined)
      if (!info) continue
      const digest = info['ostree-commit'] ?? `sha256:${info.revision}`
      images.set(digest, [...new Set([...(images.get(digest) ?? []), name])])
      for (const l of info.sysbuild?.layers ?? []) layers.add(l)
    }
  }
  return {images, layers}
}

export async function listImages(opts: EngineOptions = {}): Promise<ImageEntry[]> {
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const store = await openLocalStore({root: opts.root})
  const usage = await deploymentUsage(paths)
  const out: ImageEntry[] = []
  for (const {ref, descriptor} of await store.listRefs()) {
    let size = descriptor.size
    let created: string | undefined
    try {
      const m = await store.readJson<ImageManifest>(descriptor.digest, descriptor.size)
      size += m.config.size + m.layers.reduce((n, l) => n + l.size, 0)
      created = (await store.readJson<ImageConfig>(m.config.digest, m.config.size)).created
    } catch {
      // an index or a damaged image: show what the index says
    }
    out.push({ref, digest: descriptor.digest, id: digestHex(descriptor.digest).slice(0, 12), ...(created ? {created} : {}), size, usedBy: usage.images.get(descriptor.digest) ?? []})
  }
  return out
}

export interface RemoveImageOptions extends EngineOptions {
  readonly ref: string
  /** Remove the name even when a deployment uses the image (the deployment keeps its files). */
  readonly force?: boolean
}

export async function removeImage(opts: RemoveImageOptions): Promise<{ref: string; freedBytes: number}> {
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const store = await openLocalStore({root: opts.root})
  const desc = await findInStore(store, opts.ref)
  const ref = (await store.listRefs()).find((r) => desc && r.descriptor.digest === desc.digest && (r.ref === opts.ref || r.ref === `${opts.ref}:latest`))?.ref
  if (!desc || !ref) throw new SysbuildError('SYSBUILD_IMAGE_NOT_FOUND', `Image ${opts.ref} not found`, {suggestions: ['sysbuild images lists the local store']})
  const users = (await deploymentUsage(paths)).images.get(desc.digest) ?? []
  if (users.length > 0 && !opts.force) {
    throw new SysbuildError('SYSBUILD_ENGINE_IMAGE_IN_USE', `Image ${ref} is used by ${users.join(', ')}`, {
      suggestions: [`sysbuild uninstall ${users[0]}`, 'or --force to remove the name anyway (installed deployments keep their files)'],
    })
  }
  await store.untag(ref)
  const gc = await store.gc()
  return {ref, freedBytes: gc.freedBytes}
}

export interface PruneOptions extends EngineOptions {
  /** Also remove images no deployment uses. */
  readonly all?: boolean
}

export interface PruneResult {
  readonly removedImages: readonly string[]
  readonly removedBlobs: number
  readonly removedLayers: number
  readonly freedBytes: number
}

/** Remove what nothing needs: unreferenced blobs, extracted layers no deployment uses, stale staging dirs. */
export async function pruneStore(opts: PruneOptions = {}): Promise<PruneResult> {
  const reporter = opts.reporter ?? silentReporter
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const usage = await deploymentUsage(paths)
  const removedImages: string[] = []
  const store = await openLocalStore({root: opts.root})
  if (opts.all) {
    for (const {ref, descriptor} of await store.listRefs()) {
      if (usage.images.has(descriptor.digest)) continue
      reporter.line(`Deleting ${ref}`)
      await store.untag(ref)
      removedImages.push(ref)
    }
  }
  const gc = await store.gc()
  let removedLayers = 0
  let freedBytes = gc.freedBytes
  // Layers are extracted under a format directory (layer-cache.ts): another format's is never read again.
  const current = layerFormatDir(paths.layers)
  for (const e of listDir(paths.layers)) {
    const dir = join(paths.layers, e)
    if (dir === current) continue
    freedBytes += treeBytes(dir)
    removedLayers += listDir(dir).length
    rmSync(dir, {recursive: true, force: true})
  }
  for (const e of listDir(current)) {
    if (usage.layers.has(`sha256:${e.replace(/\.tmp-.*$/, '')}`) && !e.includes('.tmp-')) continue
    freedBytes += treeBytes(join(current, e))
    rmSync(join(current, e), {recursive: true, force: true})
    removedLayers++
  }
  rmdirIfEmpty(current)
  // Staging dirs outlive only a crash; a name's lock protects a staging dir in use.
  const locked = new Set(listDir(paths.locks).map((l) => l.replace(/\.lock$/, '')))
  for (const e of listDir(paths.staging)) if (!locked.has(e.replace(/\.[01]-[0-9a-f]+$/, ''))) rmSync(join(paths.staging, e), {recursive: true, force: true})
  for (const d of [paths.layers, paths.staging, paths.locks, paths.journals, paths.state]) rmdirIfEmpty(d)
  return {removedImages, removedBlobs: gc.removed.length, removedLayers, freedBytes}
}

function treeBytes(dir: string): number {
  let n = 0
  const walk = (d: string): void => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile()) {
        const st = statSync(p)
        // Files still linked from a deployment free nothing.
        if (st.nlink === 1) n += st.size
      }
    }
  }
  try {
    walk(dir)
  } catch {
    // vanished meanwhile
  }
  return n
}

/**
 * A base image from an archive stream: an oci-archive (an OCI layout in a tar), a docker-archive (`docker save`:
 * manifest.json + config + layer tars), or both at once (Docker ≥ 25). One pass over the tar (archive-files.ts)
 * into a scratch layout; a docker image gets an OCI manifest there (docker-archive.ts: layer tars kept as they
 * are, never recompressed); the base is then copied out of the scratch layout like from any layout.
 */
import type {Readable} from 'node:stream'
import {SysbuildError, writeFileAtomic} from '../../core/index.js'
import type {Platform} from '../descriptor.js'
import type {ImageStore} from '../layout/store.js'
import {openLayout, parseIndexText} from '../layout/dir-store.js'
import {mkdir, mkdtemp, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {readArchiveFiles, type ArchiveFile} from './archive-files.js'
import type {BaseImage} from './base-image.js'
import {storeDockerImage} from './docker-archive.js'
import {baseFromStore} from './from-store.js'

export interface BaseFromArchiveOptions {
  /** oci-archive: ref.name; docker-archive: a RepoTag. */
  readonly ref?: string
  readonly platform: Platform
  readonly shown: string
  readonly portableName?: boolean
}

export async function baseFromArchive(input: Readable, target: ImageStore, opts: BaseFromArchiveOptions): Promise<BaseImage> {
  // A scratch layout inside the target's temp area receives the archive's blobs, then the base is copied out of
  // it like from any layout (only the chosen image's layers reach the target).
  await mkdir(join(target.dir, '.sysbuild-tmp'), {recursive: true})
  const tmp = await mkdtemp(join(target.dir, '.sysbuild-tmp', 'archive-'))
  try {
    const scratch = await openLayout(tmp, {create: true})
    const files = await readArchiveFiles(input, scratch, opts.shown)
    if (files.has('index.json') && !files.has('manifest.json')) {
      return await fromOciFiles(files, scratch, target, opts)
    }
    if (files.has('manifest.json')) return await fromDockerFiles(files, scratch, target, opts)
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${opts.shown} is neither an oci-archive (no index.json) nor a docker-archive (no manifest.json)`)
  } finally {
    await rm(tmp, {recursive: true, force: true})
  }
}

/** Put every small blob file into the scratch layout, then read it as a layout. */
async function fromOciFiles(files: Map<string, ArchiveFile>, scratch: ImageStore, target: ImageStore, opts: BaseFromArchiveOptions): Promise<BaseImage> {
  const index = files.get('index.json')!
  parseIndexText(index.bytes?.toString('utf8') ?? '', `${opts.shown}:index.json`)
  for (const [name, f] of files) {
    if (f.bytes && /^blobs\/sha256\/[a-f0-9]{64}$/.test(name)) await scratch.putBlob(f.bytes, {digest: f.digest, size: f.size})
  }
  await writeFileAtomic(join(scratch.dir, 'index.json'), index.bytes!)
  return baseFromStore(scratch, target, opts)
}

/** The docker image manifest.json names gets an OCI manifest in the scratch layout, then is read from there. */
async function fromDockerFiles(files: Map<string, ArchiveFile>, scratch: ImageStore, target: ImageStore, opts: BaseFromArchiveOptions): Promise<BaseImage> {
  const manifest = await storeDockerImage(files, scratch, {ref: opts.ref, shown: opts.shown})
  return baseFromStore(scratch, target, {...opts, ref: manifest.digest})
}

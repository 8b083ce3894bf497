/**
 * A staging area in front of a store: reads see staged blobs first, then the store; writes go to the stage
 * (unless the store already has the blob). `commit()` renames the staged blobs into the store (same
 * filesystem, atomic per blob); `discard()` removes the stage. A failed build therefore leaves the store as it was.
 */
import {readdir, rename, rm, mkdir, open} from 'node:fs/promises'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {Readable} from 'node:stream'
import {isDigest, type Digest} from '../digest.js'
import type {Descriptor, ImageIndex} from '../types.js'
import {openLayout} from './dir-store.js'
import type {BlobInfo, BlobSource, ExpectedBlob, GcResult, ImageStore} from './store.js'

export interface StagingStore extends ImageStore {
  /** Move every staged blob into the underlying store. Idempotent; the stage is removed afterwards. */
  commit(): Promise<Digest[]>
  /** Drop the stage and everything in it. */
  discard(): Promise<void>
  readonly target: ImageStore
}

/** Open a fresh stage inside `target`'s directory (so commit is a rename on the same filesystem). */
export async function openStaging(target: ImageStore): Promise<StagingStore> {
  const dir = join(target.dir, '.sysbuild-tmp', `stage-${randomBytes(8).toString('hex')}`)
  await mkdir(dir, {recursive: true})
  const stage = await openLayout(dir, {create: true})
  return new Staging(stage, target)
}

class Staging implements StagingStore {
  readonly dir: string
  constructor(private readonly stage: ImageStore, readonly target: ImageStore) {
    this.dir = stage.dir
  }

  private async owner(digest: Digest): Promise<ImageStore | undefined> {
    if (await this.stage.hasBlob(digest)) return this.stage
    if (await this.target.hasBlob(digest)) return this.target
    return undefined
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    return (await this.owner(digest)) !== undefined
  }
  async statBlob(digest: Digest): Promise<BlobInfo | undefined> {
    return (await this.stage.statBlob(digest)) ?? (await this.target.statBlob(digest))
  }
  async openBlob(digest: Digest, expectedSize?: number): Promise<Readable> {
    return ((await this.owner(digest)) ?? this.stage).openBlob(digest, expectedSize)
  }
  async readBlob(digest: Digest, expectedSize?: number): Promise<Buffer> {
    return ((await this.owner(digest)) ?? this.stage).readBlob(digest, expectedSize)
  }
  blobPath(digest: Digest): string {
    return this.stage.blobPath(digest)
  }
  /** Where the blob really is now (stage or store). */
  async locate(digest: Digest): Promise<string | undefined> {
    return (await this.owner(digest))?.blobPath(digest)
  }
  async putBlob(source: BlobSource, expected: ExpectedBlob = {}): Promise<BlobInfo> {
    if (expected.digest !== undefined) {
      const have = await this.target.statBlob(expected.digest)
      if (have && (expected.size === undefined || have.size === expected.size)) {
        if (source instanceof Readable) source.destroy()
        return have
      }
    }
    return this.stage.putBlob(source, expected)
  }
  async putJson(doc: unknown, mediaType: string): Promise<Descriptor> {
    return this.stage.putJson(doc, mediaType)
  }
  async readJson<T = unknown>(digest: Digest, expectedSize?: number): Promise<T> {
    return ((await this.owner(digest)) ?? this.stage).readJson<T>(digest, expectedSize)
  }
  readIndex(): Promise<ImageIndex> {
    return this.stage.readIndex()
  }
  resolve(ref: string): Promise<Descriptor | undefined> {
    return this.stage.resolve(ref)
  }
  tag(ref: string, descriptor: Descriptor): Promise<void> {
    return this.stage.tag(ref, descriptor)
  }
  untag(ref: string): Promise<boolean> {
    return this.stage.untag(ref)
  }
  listRefs(): Promise<{ref: string; descriptor: Descriptor}[]> {
    return this.stage.listRefs()
  }
  gc(): Promise<GcResult> {
    return Promise.resolve({removed: [], freedBytes: 0})
  }

  async commit(): Promise<Digest[]> {
    const blobDir = join(this.stage.dir, 'blobs', 'sha256')
    const moved: Digest[] = []
    for (const name of (await readdir(blobDir)).sort()) {
      const digest = `sha256:${name}`
      if (!isDigest(digest)) continue
      await rename(join(blobDir, name), this.target.blobPath(digest))
      moved.push(digest)
    }
    const fh = await open(join(this.target.dir, 'blobs', 'sha256'), 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
    await this.discard()
    return moved
  }

  async discard(): Promise<void> {
    await rm(this.stage.dir, {recursive: true, force: true})
  }
}

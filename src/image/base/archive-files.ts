/**
 * One pass over an image archive (a tar, gzipped or not): every regular file is hashed; big files go straight
 * into a scratch store (their bytes are never held), small ones stay in memory until the archive's manifests say
 * what they are. Members named `blobs/sha256/<hex>` are verified against their names. Used for oci-archive and
 * docker-archive (`docker save`) streams alike.
 */
import {posix} from 'node:path'
import {Readable} from 'node:stream'
import tarStream from 'tar-stream'
import {SysbuildError, parseJsonText} from '../../core/index.js'
import {digestOfBytes, type Digest} from '../digest.js'
import {gunzipIfNeeded} from '../gunzip-if-needed.js'
import type {ImageStore} from '../layout/store.js'

const SMALL = 4 << 20

export interface ArchiveFile {
  readonly digest: Digest
  readonly size: number
  /** Content, for small files (big ones are already in the scratch store, by digest). */
  readonly bytes?: Buffer
  /** The first bytes (to sniff compression). */
  readonly head: Buffer
}

/** The archive's regular files by path (without a leading `./` or `/`). */
export async function readArchiveFiles(input: Readable, scratch: ImageStore, shown: string): Promise<Map<string, ArchiveFile>> {
  const files = new Map<string, ArchiveFile>()
  const links = new Map<string, string>()
  const extract = tarStream.extract()
  try {
    // (inside the try: an input that fails on its first read, EACCES say, is named like any unreadable archive)
    const source = await gunzipIfNeeded(input)
    source.on('error', (e) => extract.destroy(e))
    source.pipe(extract)
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '').replace(/^\/+/, '')
      if (entry.header.type === 'symlink' && entry.header.linkname) links.set(name, posix.join(posix.dirname(name), entry.header.linkname))
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume()
        continue
      }
      const size = entry.header.size ?? 0
      const blobName = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name)
      if (size <= SMALL) {
        const parts: Buffer[] = []
        for await (const c of entry) parts.push(c as Buffer)
        const bytes = Buffer.concat(parts)
        const digest = digestOfBytes(bytes)
        if (blobName && `sha256:${blobName[1]}` !== digest) {
          throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${shown}: ${name} hashes to ${digest}`)
        }
        files.set(name, {digest, size: bytes.length, bytes, head: bytes.subarray(0, 8)})
      } else {
        let head = Buffer.alloc(0)
        const sniff = async function* (src: AsyncIterable<Buffer>) {
          for await (const c of src) {
            if (head.length < 8) head = Buffer.concat([head, c.subarray(0, 8 - head.length)])
            yield c
          }
        }
        const expected = blobName ? {digest: `sha256:${blobName[1]}` as Digest, size} : {size}
        const info = await scratch.putBlob(Readable.from(sniff(entry as AsyncIterable<Buffer>)), expected).catch((e: unknown) => {
          if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_DIGEST_MISMATCH') {
            throw new SysbuildError('SYSBUILD_IMAGE_DIGEST_MISMATCH', `${shown}: ${name} does not match its name (${e.message})`, e.hint, e)
          }
          throw e
        })
        files.set(name, {digest: info.digest, size: info.size, head})
      }
    }
  } catch (e) {
    // Stop the input (a Docker daemon's export would go on streaming into nothing) and the extractor.
    input.destroy()
    extract.destroy()
    if (e instanceof SysbuildError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM') throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: permission denied`, {}, e)
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown} is not a readable tar archive: ${(e as Error).message}`, {}, e)
  }
  // docker save links a layer an archive holds twice (`<id>/layer.tar -> ../<id2>/layer.tar`): a link to a file is that file.
  for (const [name, target] of links) {
    const f = files.get(target)
    if (f && !files.has(name)) files.set(name, f)
  }
  return files
}

/** The file `path` names (as a manifest spells it), or INVALID_ARCHIVE naming what is missing. */
export function archiveFile(files: Map<string, ArchiveFile>, path: string, shown: string, namedBy: string): ArchiveFile {
  const f = files.get(path.replace(/^\.\//, ''))
  if (!f) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown}: ${namedBy} names ${path}, which the archive lacks`)
  return f
}

/** A small file parsed as JSON; errors carry `what:line:column`. */
export function archiveJson(f: ArchiveFile, what: string): unknown {
  const r = parseJsonText(f.bytes?.toString('utf8') ?? '')
  if (!r.ok) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${what}:${r.line}:${r.column}: ${r.message}`)
  return r.value
}

/**
 * An oci-archive (an OCI image layout in a tar, optionally gzipped) unpacked into a fresh layout so it can be
 * pushed byte for byte. Only `oci-layout`, `index.json` and `blobs/sha256/<hex>` are taken; every blob is
 * verified against its file name while it is written. Anything else in the tar is ignored.
 */
import {createReadStream} from 'node:fs'
import {Readable} from 'node:stream'
import {join} from 'node:path'
import tarStream from 'tar-stream'
import {SysbuildError, writeFileAtomic} from '../core/index.js'
import {gunzipIfNeeded, openLayout, parseIndexText, type Digest, type ImageStore} from '../image/model.js'

export async function unpackOciArchive(file: string, dir: string, shown: string): Promise<ImageStore> {
  const store = await openLayout(dir, {create: true})
  const input = await openArchive(file)
  const extract = tarStream.extract()
  input.on('error', (e) => extract.destroy(e))
  input.pipe(extract)
  let index: Buffer | undefined
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, '')
      const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name)
      if (entry.header.type === 'file' && blob) {
        await store.putBlob(entry as unknown as Readable, {digest: `sha256:${blob[1]}` as Digest, size: entry.header.size}).catch((e: unknown) => {
          // Name the archive and the member: the temporary layout the blob was going to is of no use to the user.
          if (e instanceof SysbuildError && e.code === 'SYSBUILD_IMAGE_DIGEST_MISMATCH') {
            throw new SysbuildError(e.code, `${shown}: ${name} does not match its name (${e.message})`, {...e.hint, file}, e)
          }
          throw e
        })
      } else if (entry.header.type === 'file' && name === 'index.json') {
        const parts: Buffer[] = []
        for await (const c of entry) parts.push(c as Buffer)
        index = Buffer.concat(parts)
      } else {
        entry.resume()
      }
    }
  } catch (e) {
    if (e instanceof SysbuildError) throw e
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `${file} does not exist`, {file})
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown} is not a readable tar archive: ${(e as Error).message}`, {file}, e)
  }
  if (!index) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `${shown} is not an oci-archive (it has no index.json)`, {file})
  parseIndexText(index.toString('utf8'), `${shown}:index.json`)
  await writeFileAtomic(join(dir, 'index.json'), index)
  return openLayout(dir)
}

/** The archive's bytes, gunzipped when needed; a missing or unreadable file is named. */
async function openArchive(file: string): Promise<Readable> {
  try {
    return await gunzipIfNeeded(createReadStream(file))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `${file} does not exist`, {file})
    throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `cannot read ${file}: ${(e as Error).message}`, {file}, e)
  }
}

/**
 * A build reuses its base's layers untouched, so it checks them first, the way install will extract them: entry
 * names that leave the layer (absolute, `..`, NUL), hard links out of it, and entries written through a symlink of
 * the same layer are refused (SYSBUILD_IMAGE_HOSTILE_PATH) before anything is committed, instead of producing an
 * image that no host can install. A layer that passed is remembered by digest (an empty file under the data
 * directory), so each base layer is read once per host.
 */
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import * as tar from 'tar-stream'
import {SysbuildError} from '../core/index.js'
import {digestHex, layerCompression, type Descriptor, type ImageStore} from '../image/index.js'
import {decompressor} from './layers/decompress.js'
import {padToBlock} from './layers/extract-layer.js'
import {entryComponents, hostile} from './layers/tar-path.js'

export async function checkBaseLayers(store: ImageStore, layers: readonly Descriptor[], checkedDir: string): Promise<void> {
  for (const layer of layers) {
    const marker = join(checkedDir, digestHex(layer.digest))
    if (existsSync(marker)) continue
    await checkLayer(store, layer)
    mkdirSync(checkedDir, {recursive: true})
    writeFileSync(marker, '')
  }
}

async function checkLayer(store: ImageStore, layer: Descriptor): Promise<void> {
  const compression = layerCompression(layer.mediaType)
  if (!compression) throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `base layer ${layer.digest} has an unknown media type ${layer.mediaType}`)
  const extract = tar.extract()
  // The store's stream verifies the digest at its end; every layer is read to its end.
  const feeding = pipeline(await store.openBlob(layer.digest, layer.size), decompressor(compression), padToBlock(), extract)
  feeding.catch(() => {})
  const symlinks = new Set<string>()
  try {
    for await (const entry of extract) {
      const h = entry.header
      const parts = entryComponents(h.name, layer.digest)
      for (let i = 1; i < parts.length; i++) {
        const above = parts.slice(0, i).join('/')
        if (symlinks.has(above)) throw hostile(layer.digest, h.name, `would be written through the symlink ${above}`)
      }
      const path = parts.join('/')
      if (h.type === 'symlink') symlinks.add(path)
      else symlinks.delete(path)
      if (h.type === 'link') entryComponents(h.linkname ?? '', layer.digest)
      entry.resume()
    }
    await feeding
  } catch (e) {
    extract.destroy()
    if (e instanceof SysbuildError) throw e
    throw new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `base layer ${layer.digest} is not a readable tar: ${(e as Error).message}`, {}, e)
  }
}

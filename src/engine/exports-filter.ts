/**
 * The part of a layer that can change `/exports`: a tar stream of only the entries under `exports/`, plus the
 * root whiteouts that delete or hide it (`.wh.exports`, the root opaque marker). Extracting that instead of the
 * whole layer lets `sysbuild lint IMAGE` read an image's exports without unpacking its rootfs.
 *
 * Names are checked (hostile ones throw, as extraction would). A hard link under exports whose target lies
 * outside is kept only when `targets` names its target (which is then kept too); the caller learns those
 * targets from a first pass (`outsideTargets`) and makes a second. Device nodes and FIFOs are left out: lint
 * never reads them.
 */
import {Readable, Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import tar from 'tar-stream'
import {entryComponents, OPAQUE_MARKER, WHITEOUT_PREFIX} from './layers/tar-path.js'

export interface ExportsFilterResult {
  /** The filtered tar stream. */
  readonly stream: Readable
  /** Normalized names of files outside exports that hard links under exports point at (known once `stream` ended). */
  readonly outsideTargets: Set<string>
}

const KEEP_TYPES = new Set(['file', 'contiguous-file', 'directory', 'symlink', 'link'])

/** Filter an uncompressed layer tar. `layer` names the layer in messages; `targets` are outside files to keep too. */
export function exportsOnly(input: Readable, layer: string, targets: ReadonlySet<string> = new Set()): ExportsFilterResult {
  const extract = tar.extract()
  const pack = tar.pack()
  const outsideTargets = new Set<string>()
  const feeding = pipeline(input, padToBlock(), extract)
  feeding.catch(() => {})

  const keep = (h: tar.Header): boolean => {
    const parts = entryComponents(h.name, layer)
    if (parts.length === 0 || !KEEP_TYPES.has(h.type ?? 'file')) return false
    const rel = parts.join('/')
    if (parts[0] !== 'exports') {
      return (parts.length === 1 && (rel === OPAQUE_MARKER || rel === `${WHITEOUT_PREFIX}exports`)) || targets.has(rel)
    }
    if (h.type === 'link') {
      const target = entryComponents(h.linkname ?? '', layer)
      if (target[0] !== 'exports') {
        // Only with its target: otherwise extraction would (rightly) refuse a link to a file it never saw.
        outsideTargets.add(target.join('/'))
        return targets.has(target.join('/'))
      }
    }
    return true
  }

  const copy = async (): Promise<void> => {
    for await (const entry of extract) {
      if (!keep(entry.header)) {
        entry.resume()
        continue
      }
      const {header} = entry
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({...header}, (err) => (err ? reject(err) : resolve()))
        if (header.type === 'file' || header.type === 'contiguous-file') pipeline(entry, sink).catch(reject)
        else entry.resume()
      })
    }
    await feeding
    pack.finalize()
  }
  copy().catch((e: unknown) => {
    extract.destroy()
    input.destroy()
    pack.destroy(e as Error)
  })
  return {stream: Readable.from(pack, {objectMode: false}), outsideTargets}
}

/**
 * Some writers end a layer right after the last file's data, without padding it to a 512-byte block (umoci
 * 0.4.7 does). The tar parser needs whole blocks; the bytes themselves were verified against the blob digest.
 */
function padToBlock(): Transform {
  let n = 0
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length
      cb(null, chunk)
    },
    flush(cb) {
      cb(null, n % 512 === 0 ? undefined : Buffer.alloc(512 - (n % 512)))
    },
  })
}

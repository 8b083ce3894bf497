/** Uncompressed tar bytes from a layer blob: gzip (zlib), zstd (the zstd CLI: Node 20 has no zstd), or none. */
import {spawn} from 'node:child_process'
import {Duplex, PassThrough} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {SysbuildError} from '../../core/index.js'

export type LayerCompression = 'gzip' | 'zstd' | 'none'

/** A transform from compressed to uncompressed bytes. */
export function decompressor(compression: LayerCompression): Duplex {
  if (compression === 'gzip') return createGunzip({chunkSize: 1 << 16})
  if (compression === 'none') return new PassThrough()
  return zstdDecompressor()
}

function zstdDecompressor(): Duplex {
  const child = spawn('zstd', ['-dc', '-q'], {stdio: ['pipe', 'pipe', 'pipe']})
  const out = new PassThrough()
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  child.on('error', (e: NodeJS.ErrnoException) =>
    out.destroy(
      e.code === 'ENOENT'
        ? new SysbuildError('SYSBUILD_CORE_EXTERNAL_MISSING', 'zstd is not installed (needed for zstd-compressed layers)', {suggestions: ['apt-get install zstd']})
        : e,
    ),
  )
  child.stdin.on('error', () => {})
  child.stdout.pipe(out, {end: false})
  child.on('close', (code) => {
    if (code === 0) out.end()
    else out.destroy(new SysbuildError('SYSBUILD_IMAGE_INVALID_ARCHIVE', `zstd could not decompress the layer: ${stderr.trim() || `exit ${code}`}`))
  })
  return Duplex.from({writable: child.stdin, readable: out})
}

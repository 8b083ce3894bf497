/** Atomic file writes: temp file in the same directory, fsync, rename. */
import {open, rename, rm, mkdir} from 'node:fs/promises'
import {dirname, basename, join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {SysbuildError} from './errors.js'

export interface WriteOptions {
  readonly mode?: number
  /** Create missing parent directories (default true). */
  readonly mkdirs?: boolean
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
  const dir = dirname(path)
  if (opts.mkdirs !== false) await mkdir(dir, {recursive: true})
  const tmp = join(dir, `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`)
  try {
    const fh = await open(tmp, 'wx', opts.mode ?? 0o644)
    try {
      await fh.writeFile(data)
      if (opts.mode !== undefined) await fh.chmod(opts.mode)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, {force: true})
    throw new SysbuildError('SYSBUILD_CORE_FILE_WRITE_FAILED', `cannot write ${path}: ${(e as Error).message}`, {file: path}, e)
  }
}

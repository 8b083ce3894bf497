/** Reading host files for a layer: the callback fs API (promisified) and the error a reader reports. */
import {close, open, read} from 'node:fs'
import {promisify} from 'node:util'
import {SysbuildError} from '../../core/index.js'

// The callback fs API is markedly cheaper per call than FileHandle for tens of thousands of small files.
export const openP = promisify(open)
export const readP = promisify(read)
export const closeP = promisify(close)

export function readError(err: NodeJS.ErrnoException, shown: string): SysbuildError {
  if (err instanceof SysbuildError) return err
  const denied = err.code === 'EACCES' || err.code === 'EPERM'
  return new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: ${denied ? 'permission denied' : err.message}`, {
    suggestions: denied ? ['Build as a user who can read every file of the tree (usually root)', `Or fix the mode of ${shown}`] : [],
  }, err)
}

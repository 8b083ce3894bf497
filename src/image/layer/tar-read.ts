/** The error a layer's reader reports for a host file it cannot read. */
import {SysbuildError} from '../../core/index.js'

export function readError(err: NodeJS.ErrnoException, shown: string): SysbuildError {
  if (err instanceof SysbuildError) return err
  const denied = err.code === 'EACCES' || err.code === 'EPERM'
  return new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: ${denied ? 'permission denied' : err.message}`, {
    suggestions: denied ? ['Build as a user who can read every file of the tree (usually root)', `Or fix the mode of ${shown}`] : [],
  }, err)
}

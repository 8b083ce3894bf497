/** A lock file next to index.json (O_EXCL create), so concurrent processes serialise index updates. */
import {open, rm, stat} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'
import {SysbuildError} from '../../core/index.js'

export interface LockOptions {
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number
  /** A lock file older than this is considered abandoned by a crashed process (default 120 s). */
  readonly staleMs?: number
}

export async function withLockFile<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 30_000
  const stale = opts.staleMs ?? 120_000
  const start = Date.now()
  let wait = 5
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644)
      await fh.writeFile(`${process.pid}\n`)
      await fh.close()
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0)
      if (age > stale) {
        await rm(path, {force: true})
        continue
      }
      if (Date.now() - start > timeout) {
        throw new SysbuildError('SYSBUILD_IMAGE_STORE_LOCKED', `${path} is held by another process`, {
          suggestions: ['Wait for the other sysbuild process to finish', `If none is running, remove ${path}`],
        })
      }
      await sleep(wait)
      wait = Math.min(wait * 2, 50)
    }
  }
  try {
    return await fn()
  } finally {
    await rm(path, {force: true})
  }
}

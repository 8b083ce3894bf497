/**
 * One sysbuild process per container name at a time. The lock is a file created
 * exclusively, holding the owner's pid; a lock whose owner is gone is taken over.
 */
import {mkdirSync, readFileSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {SysbuildError} from '../core/index.js'
import type {HostPaths} from './paths.js'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface Lock {
  release(): void
}

export function lockContainer(paths: HostPaths, name: string): Lock {
  mkdirSync(paths.locks, {recursive: true})
  const file = join(paths.locks, `${name}.lock`)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, {flag: 'wx'})
      return {release: () => unlinkSync(file)}
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    let owner = Number.NaN
    try {
      owner = Number.parseInt(readFileSync(file, 'utf8'), 10)
    } catch {
      continue
    }
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new SysbuildError('SYSBUILD_ENGINE_LOCKED', `Another sysbuild process (pid ${owner}) is working on the container ${name}`, {
        suggestions: ['Wait for it to finish and try again', `If no sysbuild is running, remove ${file}`],
      })
    }
    try {
      unlinkSync(file)
    } catch {
      // someone else took it over first
    }
  }
  throw new SysbuildError('SYSBUILD_ENGINE_LOCKED', `Cannot take the lock ${file}`)
}

/** Run `fn` holding the lock of `name`. */
export async function withContainerLock<T>(paths: HostPaths, name: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockContainer(paths, name)
  try {
    return await fn()
  } finally {
    lock.release()
  }
}

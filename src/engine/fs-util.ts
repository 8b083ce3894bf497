/** Small file-system probes used across the engine (never follow symlinks). */
import {lstatSync, readdirSync, rmdirSync, type Stats} from 'node:fs'

export function lstatMaybe(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

/** Whether anything (even a dangling symlink) exists at `path`. */
export const present = (path: string): boolean => lstatMaybe(path) !== undefined

export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

export function rmdirIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir)
  } catch {
    // gone already, or in use
  }
}

/** Locate files shipped with sysbuild (schemas, scaffolds) from compiled or source code alike. */
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/** The directory holding sysbuild's package.json. */
export function packageRoot(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('sysbuild package.json not found')
    dir = up
  }
  cached = dir
  return dir
}

/** A path inside the sysbuild package, e.g. `packagePath('scaffolds', 'hello-world')`. */
export const packagePath = (...parts: string[]): string => join(packageRoot(), ...parts)

/** Reading user-supplied text files with clear, typed errors. */
import {readFile} from 'node:fs/promises'
import {SysbuildError} from './errors.js'

/**
 * Read a UTF-8 text file. `shown` is the name used in messages (often a relative path).
 * Missing → SYSBUILD_CORE_FILE_NOT_FOUND; unreadable → SYSBUILD_CORE_FILE_UNREADABLE;
 * NUL bytes or invalid UTF-8 → SYSBUILD_EXPORTS_BINARY_FILE.
 */
export async function readTextFile(path: string, shown: string = path): Promise<string> {
  let buf: Buffer
  try {
    buf = await readFile(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', `${shown}: no such file`, {file: shown}, e)
    if (code === 'EISDIR') throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: is a directory, expected a file`, {file: shown}, e)
    throw new SysbuildError('SYSBUILD_CORE_FILE_UNREADABLE', `${shown}: cannot be read (${code ?? (e as Error).message})`, {file: shown}, e)
  }
  return decodeText(buf, shown)
}

/** Decode bytes as UTF-8 text, refusing binary data with the first bad line named. */
export function decodeText(buf: Uint8Array, shown: string): string {
  const nul = buf.indexOf(0)
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(buf)
  } catch {
    text = ''
  }
  if (nul !== -1 || (text === '' && buf.length > 0)) {
    const at = nul !== -1 ? nul : firstInvalidUtf8(buf)
    let line = 1
    for (let i = 0; i < at; i++) if (buf[i] === 10) line++
    throw new SysbuildError('SYSBUILD_EXPORTS_BINARY_FILE', `${shown}: binary data at line ${line} (expected UTF-8 text)`, {file: shown, line})
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

function firstInvalidUtf8(buf: Uint8Array): number {
  const dec = new TextDecoder('utf-8', {fatal: true})
  let lo = 0
  let hi = buf.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    try {
      dec.decode(buf.subarray(0, mid))
      lo = mid + 1
    } catch {
      hi = mid
    }
  }
  return Math.max(0, lo - 1)
}

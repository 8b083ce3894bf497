/**
 * The `/exports` files of an assembled rootfs. Nothing is followed through a symlink:
 * `exports` and `exports/hostfs` must be real directories and each template a regular
 * file, so a hostile image cannot make the installer read host files.
 */
import {lstatSync, readFileSync, type Stats} from 'node:fs'
import {join} from 'node:path'
import {decodeText, SysbuildError} from '../core/index.js'
import {parseManifest, type ParsedManifest} from '../exports/manifest.js'
import type {ExportsManifest} from '../exports/index.js'

export interface ImageExports {
  /** Whether `/exports` exists at all (no → the two warnings of §6.1). */
  readonly present: boolean
  readonly manifest: ExportsManifest
  /** defaultValues as text. */
  readonly defaults: Readonly<Record<string, string>>
  /** `config.json`: copied verbatim, wins over the template. */
  readonly configJson?: string
  readonly configTemplate?: string
  readonly serviceTemplate?: string
  readonly tmpfilesTemplate?: string
  /** Absolute path of `exports/hostfs` when it is a directory. */
  readonly hostfs?: string
}

const lstatMaybe = (p: string): Stats | undefined => {
  try {
    return lstatSync(p)
  } catch {
    return undefined
  }
}

/** Read `/exports` of `rootfs`. `image` names the image in messages. */
export function readImageExports(rootfs: string, image: string): ImageExports {
  const dir = join(rootfs, 'exports')
  const st = lstatMaybe(dir)
  if (!st) return {present: false, manifest: {}, defaults: {}}
  if (!st.isDirectory()) {
    throw new SysbuildError('SYSBUILD_EXPORTS_SCHEMA_VIOLATION', `/exports in ${image} is ${st.isSymbolicLink() ? 'a symlink' : 'not a directory'}; it must be a directory`)
  }
  const text = (name: string): string | undefined => {
    const path = join(dir, name)
    const f = lstatMaybe(path)
    if (!f) return undefined
    if (!f.isFile()) throw new SysbuildError('SYSBUILD_EXPORTS_SCHEMA_VIOLATION', `/exports/${name} in ${image} is not a regular file`, {file: `exports/${name}`})
    return decodeText(readFileSync(path), `exports/${name}`)
  }
  const manifestText = text('manifest.json')
  let parsed: ParsedManifest = {manifest: {}, defaults: {}}
  if (manifestText !== undefined) {
    try {
      parsed = parseManifest(manifestText, 'exports/manifest.json')
    } catch (e) {
      const inner = e instanceof SysbuildError ? e : undefined
      throw new SysbuildError(inner?.code ?? 'SYSBUILD_EXPORTS_INVALID_JSON', `Invalid manifest.json file in image: ${image}.${inner ? ` ${inner.message}` : ''}`, inner?.hint ?? {}, e)
    }
  }
  const hostfsStat = lstatMaybe(join(dir, 'hostfs'))
  const opt = <K extends string>(key: K, v: string | undefined): Partial<Record<K, string>> => (v === undefined ? {} : ({[key]: v} as Record<K, string>))
  return {
    present: true,
    manifest: parsed.manifest,
    defaults: parsed.defaults,
    ...opt('configJson', text('config.json')),
    ...opt('configTemplate', text('config.json.template')),
    ...opt('serviceTemplate', text('service.template')),
    ...opt('tmpfilesTemplate', text('tmpfiles.template')),
    ...(hostfsStat?.isDirectory() ? {hostfs: join(dir, 'hostfs')} : {}),
  }
}

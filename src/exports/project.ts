/**
 * Locating and reading an exports set: a sysbuild project (has sysbuild.toml), an
 * exports directory, or a directory with `exports/` (the layout of the corpus and
 * of projectatomic/atomic-system-containers).
 */
import {join, relative, resolve, dirname, isAbsolute} from 'node:path'
import {SysbuildError, readTextFile, isSysbuildError, isDirectory as isDir, pathExists as exists} from '../core/index.js'

export const EXPORTS_FILES = ['manifest.json', 'config.json.template', 'config.json', 'service.template', 'tmpfiles.template'] as const
export type ExportsFileName = (typeof EXPORTS_FILES)[number]

export interface SourceFile {
  /** Absolute path. */
  readonly path: string
  /** Path shown in messages. */
  readonly shown: string
  readonly text: string
}

export interface UnreadableFile {
  readonly path: string
  readonly shown: string
  readonly code: string
  readonly message: string
  readonly line?: number
}

export interface ExportsSet {
  /** The directory that was given. */
  readonly root: string
  readonly kind: 'project' | 'exports-dir' | 'dockerfile-only'
  /** The exports directory (may not exist for kind dockerfile-only). */
  readonly exportsDir: string
  /** The exports directory as shown in messages. */
  readonly shownExportsDir: string
  readonly files: Partial<Record<ExportsFileName, SourceFile>>
  readonly dockerfile?: SourceFile
  readonly buildSpec?: SourceFile
  /** Absolute path of exports/hostfs when it is a directory. */
  readonly hostfs?: string
  /** Files that exist but could not be read as text: they become lint errors. */
  readonly unreadable: readonly UnreadableFile[]
}

const hasExportsFiles = (dir: string): boolean => EXPORTS_FILES.some((f) => exists(join(dir, f))) || isDir(join(dir, 'hostfs'))

export interface LoadOptions {
  /** Base for the paths shown in messages (default: the current directory). */
  readonly shownBase?: string
  /** Exports directory override (a project's `exports` key), relative to root. */
  readonly exportsDir?: string
}

/** Find where the exports files of `path` are. Throws SYSBUILD_USAGE_NOT_A_PROJECT when there are none. */
export function locateExports(path: string, opts: LoadOptions = {}): {root: string; kind: ExportsSet['kind']; exportsDir: string; dockerfile?: string; buildSpec?: string} {
  const root = resolve(path)
  if (!exists(root)) throw new SysbuildError('SYSBUILD_CORE_FILE_NOT_FOUND', 'no such file or directory', {file: path})
  if (!isDir(root)) {
    throw new SysbuildError('SYSBUILD_USAGE_NOT_A_PROJECT', 'not a directory', {
      file: path,
      suggestions: ['Give a project directory (with sysbuild.toml), an exports directory, or a directory with exports/'],
    })
  }
  const spec = join(root, 'sysbuild.toml')
  const dockerfileIn = (d: string): string | undefined => (exists(join(d, 'Dockerfile')) ? join(d, 'Dockerfile') : undefined)
  if (exists(spec)) {
    const exportsDir = isAbsolute(opts.exportsDir ?? '') ? opts.exportsDir! : join(root, opts.exportsDir ?? 'exports')
    return {root, kind: 'project', exportsDir, buildSpec: spec, dockerfile: dockerfileIn(root)}
  }
  if (isDir(join(root, 'exports')) && hasExportsFiles(join(root, 'exports'))) {
    return {root, kind: 'exports-dir', exportsDir: join(root, 'exports'), dockerfile: dockerfileIn(root)}
  }
  if (hasExportsFiles(root)) {
    return {root, kind: 'exports-dir', exportsDir: root, dockerfile: dockerfileIn(root) ?? dockerfileIn(dirname(root))}
  }
  if (dockerfileIn(root)) return {root, kind: 'dockerfile-only', exportsDir: join(root, 'exports'), dockerfile: dockerfileIn(root)}
  throw new SysbuildError('SYSBUILD_USAGE_NOT_A_PROJECT', 'not a sysbuild project: no sysbuild.toml, no exports files, no Dockerfile', {
    file: path,
    suggestions: ['sysbuild init NAME', 'Give a directory holding manifest.json, config.json.template, service.template or tmpfiles.template'],
  })
}

/** Read every exports file of `path` as text. */
export async function loadExports(path: string, opts: LoadOptions = {}): Promise<ExportsSet> {
  const where = locateExports(path, opts)
  const base = opts.shownBase ?? process.cwd()
  const shown = (p: string): string => {
    const r = relative(base, p)
    if (r === '') return '.'
    return !r.startsWith('..') && !isAbsolute(r) ? r : p
  }
  const unreadable: UnreadableFile[] = []
  const read = async (p: string | undefined): Promise<SourceFile | undefined> => {
    if (!p || !exists(p)) return undefined
    try {
      return {path: p, shown: shown(p), text: await readTextFile(p, shown(p))}
    } catch (e) {
      if (!isSysbuildError(e)) throw e
      unreadable.push({path: p, shown: shown(p), code: e.code, message: e.message, line: e.hint.line})
      return undefined
    }
  }
  const files: Partial<Record<ExportsFileName, SourceFile>> = {}
  for (const f of EXPORTS_FILES) {
    const sf = await read(join(where.exportsDir, f))
    if (sf) files[f] = sf
  }
  const hostfs = join(where.exportsDir, 'hostfs')
  return {
    root: where.root,
    kind: where.kind,
    exportsDir: where.exportsDir,
    shownExportsDir: shown(where.exportsDir),
    files,
    dockerfile: await read(where.dockerfile),
    buildSpec: await read(where.buildSpec),
    hostfs: isDir(hostfs) ? hostfs : undefined,
    unreadable,
  }
}

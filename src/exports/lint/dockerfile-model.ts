/**
 * The Dockerfile as lint sees it: parsed once, the instructions of the final stage, and
 * every COPY/ADD resolved against the build context (the Dockerfile's directory) with its
 * destination in the image (WORKDIR applied).
 */
import {existsSync, readdirSync, statSync} from 'node:fs'
import {basename, dirname, join, posix, relative, resolve, sep} from 'node:path'
import {finalStage, instructionFlag, parseDockerfile, type Dockerfile, type DockerfileInstruction} from '../dockerfile.js'
import type {SourceFile} from '../project.js'
import {isDirectory} from '../../core/index.js'
import type {LintContext} from './context.js'

export type CopySourceKind = 'file' | 'dir' | 'missing' | 'remote' | 'pattern' | 'outside'

export interface CopySource {
  /** As written. */
  readonly spec: string
  /**
   * `file`/`dir`: found in the build context; `missing`: not there (the corpus keeps no
   * helper files); `remote`: an ADD URL; `pattern`: a wildcard (its matches are in `paths`);
   * `outside`: escapes the build context.
   */
  readonly kind: CopySourceKind
  /** Absolute paths in the build context: the source itself, or a pattern's matches. */
  readonly paths: readonly string[]
}

export interface CopyOp {
  readonly ins: DockerfileInstruction
  readonly keyword: 'COPY' | 'ADD'
  /** `--from`: copies out of another stage or image, not from the build context. */
  readonly from?: string
  readonly sources: readonly CopySource[]
  /** The destination as written. */
  readonly destSpec: string
  /** Absolute, normalised destination in the image, without a trailing slash. */
  readonly dest: string
  /** Sources go inside `dest`: written with a trailing slash, or several sources. */
  readonly intoDir: boolean
}

export interface DockerfileModel {
  readonly file: SourceFile
  readonly parsed: Dockerfile
  /** Absolute path of the build context. */
  readonly context: string
  /** Instructions of the final image (last stage and the stages it is built from). */
  readonly instructions: readonly DockerfileInstruction[]
  readonly copies: readonly CopyOp[]
}

const PATTERN = /[*?[]/

export const normalizeImagePath = (p: string): string => {
  const n = posix.normalize(p.startsWith('/') ? p : `/${p}`)
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n
}

function globMatches(context: string, spec: string): string[] {
  const dir = resolve(context, posix.dirname(spec))
  const pattern = posix.basename(spec)
  if (PATTERN.test(posix.dirname(spec)) || !existsSync(dir)) return []
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c === '[' || c === ']' ? c : c.replace(/[.+^${}()|\\]/g, '\\$&')))
        .join('') +
      '$',
  )
  try {
    return readdirSync(dir)
      .filter((n) => re.test(n))
      .sort()
      .map((n) => join(dir, n))
  } catch {
    return []
  }
}

function copySource(context: string, spec: string, keyword: string): CopySource {
  if (keyword === 'ADD' && /^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return {spec, kind: 'remote', paths: []}
  if (PATTERN.test(spec)) return {spec, kind: 'pattern', paths: globMatches(context, spec)}
  const abs = resolve(context, spec)
  if (abs !== context && !abs.startsWith(context + sep)) return {spec, kind: 'outside', paths: []}
  try {
    return {spec, kind: statSync(abs).isDirectory() ? 'dir' : 'file', paths: [abs]}
  } catch {
    return {spec, kind: 'missing', paths: [abs]}
  }
}

function copyOps(instructions: readonly DockerfileInstruction[], context: string): CopyOp[] {
  const ops: CopyOp[] = []
  let workdir = '/'
  for (const ins of instructions) {
    if (ins.keyword === 'WORKDIR') workdir = normalizeImagePath(posix.resolve(workdir, ins.rest.trim() || '/'))
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue
    const words = ins.json ? [...ins.json] : ins.rest.split(/\s+/).filter(Boolean)
    if (words.length < 2) continue
    const destSpec = words[words.length - 1]!
    const from = instructionFlag(ins, 'from')
    const specs = words.slice(0, -1)
    ops.push({
      ins,
      keyword: ins.keyword,
      ...(from === undefined ? {} : {from}),
      sources: from === undefined ? specs.map((s) => copySource(context, s, ins.keyword)) : specs.map((s) => ({spec: s, kind: 'outside' as const, paths: []})),
      destSpec,
      dest: normalizeImagePath(posix.resolve(workdir, destSpec)),
      intoDir: destSpec.endsWith('/') || specs.length > 1 || specs.some((s) => PATTERN.test(s)),
    })
  }
  return ops
}

/** The Dockerfile model, or undefined when the set has no (readable) Dockerfile. */
export function dockerfileModel(ctx: LintContext): DockerfileModel | undefined {
  return ctx.memo('dockerfile:model', () => {
    const file = ctx.exports.dockerfile
    if (!file) return undefined
    const parsed = parseDockerfile(file.text)
    const context = dirname(file.path)
    const instructions = finalStage(parsed)
    return {file, parsed, context, instructions, copies: copyOps(instructions, context)}
  })
}

/**
 * Where `abs` (a file or directory of the build context) lands in the image through one
 * COPY/ADD, or undefined when the copy does not take it. `asDir` lists destinations that
 * exist as directories in the image (copying a file to `/exports` puts it inside).
 */
export function landingPath(op: CopyOp, abs: string, asDir: readonly string[] = ['/exports', '/exports/hostfs']): string | undefined {
  if (op.from !== undefined) return undefined
  for (const src of op.sources) {
    for (const p of src.paths) {
      const isDirSource = src.kind === 'dir' || (src.kind === 'pattern' && isDirectory(p))
      if (abs === p) {
        if (isDirSource) return op.dest
        return op.intoDir || asDir.includes(op.dest) ? joinImage(op.dest, basename(p)) : op.dest
      }
      if (isDirSource && abs.startsWith(p + sep)) return joinImage(op.dest, relative(p, abs).split(sep).join('/'))
    }
  }
  return undefined
}

const joinImage = (dir: string, rel: string): string => normalizeImagePath(`${dir}/${rel}`)

/** The Dockerfile of a system-container image, or undefined (none, or a plain image without exports). */
export const systemDockerfile = (ctx: LintContext): DockerfileModel | undefined =>
  ctx.exports.kind === 'dockerfile-only' ? undefined : dockerfileModel(ctx)

/** `dest` is `/exports` or below it. */
export const isExportsPath = (dest: string): boolean => dest === '/exports' || dest.startsWith('/exports/')

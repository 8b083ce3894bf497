/**
 * The hostfs tree as the built image will have it, for lint: the files of `exports/hostfs`
 * on disk plus what the Dockerfile puts under `/exports/hostfs` (COPY/ADD, `RUN mkdir`,
 * `RUN ln -s`). Other RUN commands that name a path under `/exports/hostfs` (`cp`, `sed >`,
 * scripts with globs or variables) make that path *opaque*: it may exist, and so may
 * anything below it. Rules only report a path as missing when nothing can create it.
 */
import {posix} from 'node:path'
import {expandBraces, shellCommands, type DockerfileInstruction} from '../dockerfile.js'
import {walkHostfs} from '../hostfs.js'
import {isDirectory} from '../../core/index.js'
import type {LintContext} from './context.js'
import {dockerfileModel, landingPath, normalizeImagePath, type DockerfileModel} from './dockerfile-model.js'

export type HostfsItemKind = 'file' | 'dir' | 'symlink' | 'unknown'

export interface HostfsItem {
  /** Host path before renames, e.g. `/usr/local/lib/x`; `/` is hostfs itself. */
  readonly path: string
  readonly kind: HostfsItemKind
  readonly target?: string
  /** A file on disk with the item's content, when known. */
  readonly source?: string
  /** Where the item comes from, for messages: a shown path, or the Dockerfile. */
  readonly shown: string
  readonly line?: number
  /** What is below this path cannot be known (a RUN command writes there). */
  readonly opaque?: boolean
}

export interface HostfsModel {
  readonly items: ReadonlyMap<string, HostfsItem>
}

export type Presence = 'yes' | 'maybe' | 'no'

const HOSTFS = '/exports/hostfs'
const SPECIAL = /[$*?[`]/

/** `/exports/hostfs/a/b` → `/a/b`; undefined when not under hostfs. */
function inHostfs(imagePath: string): string | undefined {
  const p = normalizeImagePath(imagePath)
  if (p === HOSTFS) return '/'
  return p.startsWith(HOSTFS + '/') ? p.slice(HOSTFS.length) : undefined
}

class Builder {
  readonly items = new Map<string, HostfsItem>()

  add(item: HostfsItem): void {
    const parts = item.path.split('/').filter(Boolean)
    for (let i = 0; i < parts.length; i++) {
      const dir = '/' + parts.slice(0, i).join('/')
      if (!this.items.has(dir)) this.items.set(dir, {path: dir, kind: 'dir', shown: item.shown, ...(item.line ? {line: item.line} : {})})
    }
    const old = this.items.get(item.path)
    this.items.set(item.path, old?.opaque && !item.opaque ? {...item, opaque: true} : item)
  }

  /** `word` names something under /exports written by a command lint cannot follow. */
  opaque(word: string, shown: string, line: number): void {
    const cut = word.search(SPECIAL)
    const literal = cut === -1 ? word : posix.dirname(word.slice(0, cut) + 'x')
    const p = normalizeImagePath(literal)
    const rel = p === '/exports' || p === '/' ? '/' : inHostfs(p)
    if (rel !== undefined) this.add({path: rel, kind: 'unknown', shown, line, opaque: true})
  }
}

const isFlag = (w: string): boolean => w.startsWith('-') && w.length > 1

function runEffects(b: Builder, ins: DockerfileInstruction, shown: string): void {
  const script = ins.json ? ins.json.join(' ') : ins.rest
  for (const raw of shellCommands(script)) {
    const words = raw.flatMap((w) => expandBraces(w))
    let at = 0
    while (at < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[at]!) || words[at] === 'sudo' || words[at] === 'env')) at++
    const prog = posix.basename(words[at] ?? '')
    const args = words.slice(at + 1)
    const touched = (w: string): boolean => w.includes('/exports')
    if (prog === 'mkdir') {
      for (let i = 0; i < args.length; i++) {
        const w = args[i]!
        if (w === '-m' || w === '--mode') i++
        else if (isFlag(w) || !touched(w)) continue
        else if (SPECIAL.test(w)) b.opaque(w, shown, ins.line)
        else {
          const rel = inHostfs(w)
          if (rel !== undefined) b.add({path: rel, kind: 'dir', shown, line: ins.line})
        }
      }
      continue
    }
    const operands = args.filter((w) => !isFlag(w))
    const symbolic = args.some((w) => /^-[A-Za-z]*s/.test(w) || w === '--symbolic')
    if (prog === 'ln' && symbolic && operands.length >= 2 && !SPECIAL.test(operands[operands.length - 1]!)) {
      const target = operands[operands.length - 2]!
      let link = operands[operands.length - 1]!
      if (link.endsWith('/')) link += posix.basename(target)
      const rel = inHostfs(link)
      if (rel !== undefined) b.add({path: rel, kind: 'symlink', target, shown, line: ins.line})
      continue
    }
    // `cp x /exports/hostfs/etc`, `sed … >/exports/hostfs/f`, `--target=/exports/hostfs/d`: may exist from here on
    for (const w of words) if (touched(w)) b.opaque(w.slice(w.indexOf('/exports')), shown, ins.line)
  }
}

function copyEffects(b: Builder, df: DockerfileModel): void {
  for (const op of df.copies) {
    const shown = df.file.shown
    const line = op.ins.line
    const destRel = inHostfs(op.dest)
    const touchesHostfs = destRel !== undefined || op.dest === '/exports' || op.dest === '/'
    if (!touchesHostfs) continue
    if (op.from !== undefined) {
      b.opaque(destRel !== undefined ? op.dest : HOSTFS, shown, line)
      continue
    }
    for (const src of op.sources) {
      if (src.kind === 'remote' || (src.kind === 'pattern' && !src.paths.length) || src.kind === 'missing') {
        // Unknown content: a file (or a directory) at the destination.
        if (destRel === undefined) continue
        const name = src.kind === 'missing' || src.kind === 'remote' ? posix.basename(src.spec) : undefined
        const at = op.intoDir && name ? normalizeImagePath(`${op.dest}/${name}`) : op.dest
        const rel = inHostfs(at)
        if (rel !== undefined) b.add({path: rel, kind: 'unknown', shown, line, opaque: true})
        continue
      }
      if (op.keyword === 'ADD' && src.kind !== 'dir' && /\.(tar|tgz|tar\.(gz|bz2|xz|zst)|txz|tbz2?)$/.test(src.spec)) {
        if (destRel !== undefined) b.opaque(op.dest, shown, line)
        continue
      }
      for (const p of src.paths) {
        const landed = landingPath(op, p)
        const rel = landed === undefined ? undefined : inHostfs(landed)
        if (rel !== undefined) b.add({path: rel, kind: src.kind === 'dir' ? 'dir' : 'file', ...(src.kind === 'dir' ? {} : {source: p}), shown, line})
        if (src.kind === 'dir' || (src.kind === 'pattern' && isDirectory(p))) {
          for (const e of walkHostfs(p)) {
            const l = landingPath(op, e.source)
            const r = l === undefined ? undefined : inHostfs(l)
            if (r === undefined) continue
            b.add({path: r, kind: e.kind === 'other' ? 'unknown' : e.kind, ...(e.target === undefined ? {} : {target: e.target}), ...(e.kind === 'file' ? {source: e.source} : {}), shown, line})
          }
        }
      }
    }
  }
}

/** The hostfs tree: disk first, then the Dockerfile's instructions in order. */
export function hostfsModel(ctx: LintContext): HostfsModel {
  return ctx.memo('hostfs:model', () => {
    const b = new Builder()
    if (ctx.exports.hostfs) {
      b.add({path: '/', kind: 'dir', shown: ctx.shownPath('hostfs')})
      for (const e of walkHostfs(ctx.exports.hostfs)) {
        b.add({
          path: e.path,
          kind: e.kind === 'other' ? 'unknown' : e.kind,
          ...(e.target === undefined ? {} : {target: e.target}),
          ...(e.kind === 'file' ? {source: e.source} : {}),
          shown: ctx.shownPath(`hostfs${e.path}`),
        })
      }
    }
    const df = dockerfileModel(ctx)
    if (df && ctx.exports.kind !== 'dockerfile-only') {
      copyEffects(b, df)
      for (const ins of df.instructions) if (ins.keyword === 'RUN') runEffects(b, ins, df.file.shown)
    }
    return {items: b.items}
  })
}

/** Whether `path` (host path before renames) exists in hostfs: surely, maybe (opaque), or not. */
export function hostfsPresence(model: HostfsModel, path: string): Presence {
  const p = normalizeImagePath(path)
  if (model.items.has(p)) return 'yes'
  for (const item of model.items.values()) {
    if (item.opaque && (item.path === '/' || p.startsWith(item.path + '/'))) return 'maybe'
  }
  return 'no'
}

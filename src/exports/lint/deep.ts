/**
 * External checks for `sysbuild lint --deep`: the rendered unit goes through
 * `systemd-analyze verify`, the rendered tmpfiles conf through `systemd-tmpfiles
 * --create` into a throw-away root. Both tools are judged by what they print, not
 * by their exit status alone (docs/environment.md §8). Messages that depend on the
 * machine lint runs on (a command or unit not installed here, an unknown user in
 * the empty root) are warnings, never errors.
 */
import {mkdtemp, rm, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execCapture, hasTool} from '../../core/index.js'
import {parseUnitFile, unitAssignments} from '../unit-file.js'
import {parseTmpfiles} from '../tmpfiles.js'

export interface ToolMessage {
  /** 1-based line in the checked (rendered) text, when the tool named one. */
  readonly line?: number
  readonly severity: 'error' | 'warning'
  readonly message: string
}

export interface ToolCheck {
  readonly tool: string
  /** Set when the check did not run (tool missing); the reason. */
  readonly skipped?: string
  readonly status: number | null
  readonly messages: readonly ToolMessage[]
}

const TIMEOUT_MS = 60_000
const toolEnv = (): NodeJS.ProcessEnv => ({...process.env, LC_ALL: 'C', SYSTEMD_COLORS: '0', SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: ''})

/** A file name made only of characters that are safe in unit and conf names. */
const safeName = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'sample'

async function withTempDir<T>(prefix: string, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  try {
    return await f(dir)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

const outputLines = (r: {stdout: string; stderr: string}): string[] =>
  `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '')

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Run `systemd-analyze verify --man=no` on a unit text, written as `<name>.service`. */
export async function verifyUnitText(text: string, name: string): Promise<ToolCheck> {
  const tool = 'systemd-analyze'
  if (!(await hasTool(tool))) return {tool, skipped: `${tool} is not installed`, status: null, messages: []}
  const unitName = `${safeName(name)}.service`
  return withTempDir('sysbuild-verify-', async (dir) => {
    const path = join(dir, unitName)
    await writeFile(path, text)
    const r = await execCapture(tool, ['verify', '--man=no', path], {env: toolEnv(), timeoutMs: TIMEOUT_MS})
    return {tool, status: r.status, messages: classifyVerify(outputLines(r), path, unitName, text, r.status)}
  })
}

const FATAL = /has a bad unit file setting|fatal error|failed to load properly/

function classifyVerify(lines: string[], path: string, unitName: string, text: string, status: number | null): ToolMessage[] {
  const failed = status !== 0
  const atLine = new RegExp(`^${escapeRe(path)}:(\\d+): (.*)$`)
  const out: ToolMessage[] = []
  const summaries: string[] = []
  for (const l of lines) {
    const m = atLine.exec(l)
    // Messages about other unit files on this machine (dependencies) are not about the image.
    if (!m && /^\/\S+:\d+: /.test(l)) continue
    if (m) {
      const msg = m[2]!
      const harmless = /ignoring|obsolete|please use|will be removed|please update/i.test(msg)
      out.push({line: Number(m[1]), severity: failed && !harmless ? 'error' : 'warning', message: msg})
      continue
    }
    const msg = l.replace(new RegExp(`^${escapeRe(unitName)}: `), '').replaceAll(path, unitName)
    const exe = /^Command (.+) is not executable/.exec(msg)
    if (exe) {
      const line = execLine(text, exe[1]!)
      out.push({...(line === undefined ? {} : {line}), severity: 'warning', message: `${msg} (on this machine; the host the image is installed on may have it)`})
    } else if (/Unit \S+ not found\.$/.test(msg)) {
      out.push({severity: 'warning', message: `${msg} (not installed on this machine)`})
    } else if (FATAL.test(msg)) summaries.push(msg)
    else out.push({severity: failed ? 'error' : 'warning', message: msg})
  }
  // systemd's summary ("bad unit file setting") only counts when no line says why.
  if (summaries.length && !out.some((m) => m.severity === 'error')) {
    for (const s of summaries) out.push({severity: 'error', message: s})
  }
  return out
}

/** The line of the Exec*= assignment whose command is `command`. */
function execLine(text: string, command: string): number | undefined {
  const unit = parseUnitFile(text)
  const hit = unitAssignments(unit, 'Service').find(
    (a) => a.key.startsWith('Exec') && a.value.replace(/^[-@:+!|]+/, '').split(/\s+/)[0] === command,
  )
  return hit?.line
}

/**
 * Run `systemd-tmpfiles --create --boot --root=<empty dir>` on a tmpfiles text, written
 * as `<name>.conf`. `h`/`H` lines are commented out first (same line numbers): setting
 * file attributes such as immutable in the throw-away root would keep it from being removed.
 */
export async function checkTmpfilesText(text: string, name: string): Promise<ToolCheck> {
  const tool = 'systemd-tmpfiles'
  if (!(await hasTool(tool))) return {tool, skipped: `${tool} is not installed`, status: null, messages: []}
  const safe = text
    .split('\n')
    .map((l) => (/^\s*[hH][-!=~^+]*\s/.test(l) ? `# ${l}` : l))
    .join('\n')
  return withTempDir('sysbuild-tmpfiles-', async (dir) => {
    const root = join(dir, 'root')
    await mkdir(root)
    const conf = join(dir, `${safeName(name)}.conf`)
    await writeFile(conf, safe)
    const r = await execCapture(tool, ['--create', '--boot', `--root=${root}`, conf], {env: toolEnv(), timeoutMs: TIMEOUT_MS})
    return {tool, status: r.status, messages: classifyTmpfiles(outputLines(r), conf, root, text, r.status)}
  })
}

function classifyTmpfiles(lines: string[], conf: string, root: string, text: string, status: number | null): ToolMessage[] {
  const failed = status !== 0
  const atLine = new RegExp(`^${escapeRe(conf)}:(\\d+): (.*)$`)
  const environmental = /Failed to resolve (user|group)|Unknown (user|group)/
  const entries = parseTmpfiles(text).entries
  return lines.map((l): ToolMessage => {
    const m = atLine.exec(l)
    if (m) {
      const msg = m[2]!.replaceAll(root, '')
      const severity = /ignoring/i.test(msg) || environmental.test(msg) || !failed ? 'warning' : 'error'
      return {line: Number(m[1]), severity, message: environmental.test(msg) ? `${msg} (in an empty root; the host may have it)` : msg}
    }
    // Messages without a line name the path (prefixed with the root): find its entry.
    const hit = [...entries].sort((a, b) => b.path.length - a.path.length).find((e) => l.includes(`${root}${e.path}`) || l.includes(`'${e.path}'`))
    const msg = l.replaceAll(root, '')
    return {...(hit ? {line: hit.line} : {}), severity: failed ? 'error' : 'warning', message: msg}
  })
}

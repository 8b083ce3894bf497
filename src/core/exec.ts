/** Run external tools (runc, systemctl, systemd-analyze, ...) with captured output. */
import {spawn} from 'node:child_process'
import {accessSync, constants} from 'node:fs'
import {delimiter, join, resolve} from 'node:path'
import {ExternalCommandError, SysbuildError} from './errors.js'

export interface ExecOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  readonly input?: string | Buffer
  /** Exit codes that are not failures (default: only 0). */
  readonly okCodes?: readonly number[]
  readonly timeoutMs?: number
}

export interface ExecResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Run a command to completion. Missing command → SYSBUILD_CORE_EXTERNAL_MISSING; bad exit → ExternalCommandError. */
export async function execTool(command: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const result = await execCapture(command, args, opts)
  const ok = opts.okCodes ?? [0]
  if (result.status === null || !ok.includes(result.status)) {
    throw new ExternalCommandError(command, args, result.status, result.stderr)
  }
  return result
}

/** Run a command and return whatever happened (only a missing command throws). */
export function execCapture(command: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs,
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(new SysbuildError('SYSBUILD_CORE_EXTERNAL_MISSING', `${command} is not installed (not found in PATH)`, {
          suggestions: [`apt-get install the package that provides ${command}`],
        }))
      } else reject(e)
    })
    child.on('close', (status) =>
      resolve({status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')}),
    )
    child.stdin.on('error', () => {})
    child.stdin.end(opts.input ?? '')
  })
}

/** Whether a command can be found in PATH (or is an existing absolute path). */
export async function hasTool(command: string): Promise<boolean> {
  try {
    await execCapture('sh', ['-c', 'command -v "$1"', 'sh', command])
      .then((r) => {
        if (r.status !== 0) throw new Error('missing')
      })
    return true
  } catch {
    return false
  }
}

/** The first executable `command` in `path` (a PATH value; default: this process's), as an absolute path. */
export function findInPath(command: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const p = join(dir, command)
    try {
      accessSync(p, constants.X_OK)
      return resolve(p)
    } catch {
      // not here
    }
  }
  return undefined
}

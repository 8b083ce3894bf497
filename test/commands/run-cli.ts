/**
 * Run the compiled CLI (`node bin/run.js`) as a user would. `buildCli()` compiles once per
 * test file; a lock directory keeps two test workers from running tsc over each other.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
const LOCK = join(ROOT, 'dist', '.test-build-lock')
const STAMP = join(ROOT, 'dist', '.test-build-stamp')

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Newest modification time of the TypeScript sources. */
function newestSource(dir: string): number {
  let newest = 0
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p))
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

const upToDate = (): boolean => {
  const stamp = statSync(STAMP, {throwIfNoEntry: false})
  return !!stamp && stamp.mtimeMs >= Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'commands')))
}

/**
 * Compile src/ and commands/ to dist/ unless a previous test file already did since the last
 * source change (rebuilding under a running CLI would let it read half-written files).
 * Type errors in files under construction elsewhere do not stop the emit.
 */
export function buildCli(): void {
  mkdirSync(join(ROOT, 'dist'), {recursive: true})
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      // A lock older than 5 minutes was left by a killed run.
      const st = statSync(LOCK, {throwIfNoEntry: false})
      if (st && Date.now() - st.mtimeMs > 300_000) rmSync(LOCK, {recursive: true, force: true})
      sleep(100)
    }
  }
  try {
    if (!upToDate()) {
      const started = new Date()
      spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], {cwd: ROOT, encoding: 'utf8'})
      writeFileSync(STAMP, '')
      // Stamp with the build's start time: a source saved during the build makes the next caller rebuild.
      utimesSync(STAMP, started, started)
    }
  } finally {
    rmSync(LOCK, {recursive: true, force: true})
  }
  if (!existsSync(join(ROOT, 'dist', 'commands', 'lint.js'))) throw new Error('the build did not produce dist/commands/lint.js')
}

export function runCli(args: readonly string[], opts: {cwd?: string; env?: Record<string, string>} = {}): CliResult {
  const r = spawnSync('node', [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    env: {...process.env, ...opts.env},
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** No JavaScript stack frame in the output: errors reach the user as messages, never traces. */
export const hasStackTrace = (text: string): boolean => /^\s+at .+[(:]\d+/m.test(text)

/**
 * Crash-safe multi-step changes: a transaction records, before each change, how to
 * undo it, in a journal file beside the deployments. A failure undoes every recorded
 * change in reverse order; a crash leaves the journal behind and the next operation on
 * that name undoes it first (recoverJournal). Deletions are deferred to commit (things
 * are moved aside and removed only once the whole change succeeded), so every step can
 * be undone. Every undo tolerates a change that never happened.
 */
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'
import {createHash} from 'node:crypto'
import {execCapture, parseJsonText, SysbuildError, writeFileAtomic} from '../core/index.js'
import {withContainerLock} from './lock.js'
import type {HostPaths} from './paths.js'
import type {Reporter} from './reporter.js'

export type Undo =
  /** Remove a file or symlink we created (only when its sha256, if given, still matches). */
  | {readonly op: 'unlink'; readonly path: string; readonly sha256?: string}
  /** Remove a directory we created, when empty. */
  | {readonly op: 'rmdir'; readonly path: string}
  /** Remove a tree we created. */
  | {readonly op: 'rmtree'; readonly path: string}
  /** Move `from` back to `to`. */
  | {readonly op: 'rename'; readonly from: string; readonly to: string}
  /** Point a symlink back at `target` (null: remove it). */
  | {readonly op: 'symlink'; readonly path: string; readonly target: string | null}
  /** Put back the earlier content of a small file we rewrote (an info file). */
  | {readonly op: 'restore'; readonly path: string; readonly content: string}
  /** Run a command (systemctl disable, systemd-tmpfiles --remove, ...). */
  | {readonly op: 'exec'; readonly argv: readonly string[]}

export type Cleanup = {readonly op: 'rmtree'; readonly path: string}

interface JournalFile {
  readonly operation: string
  readonly name: string
  readonly pid: number
  readonly undo: Undo[]
  readonly cleanup: Cleanup[]
}

const journalPath = (paths: HostPaths, name: string): string => join(paths.journals, `${name}.json`)

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex')

export class Transaction {
  private readonly undo: Undo[] = []
  private readonly cleanup: Cleanup[] = []
  readonly steps: string[] = []

  private constructor(
    private readonly file: string,
    readonly operation: string,
    readonly name: string,
    private readonly reporter: Reporter,
  ) {}

  static async begin(paths: HostPaths, operation: string, name: string, reporter: Reporter): Promise<Transaction> {
    mkdirSync(paths.journals, {recursive: true})
    const t = new Transaction(journalPath(paths, name), operation, name, reporter)
    await t.save()
    return t
  }

  /** Record how to undo the change that follows. */
  async willUndo(record: Undo): Promise<void> {
    this.undo.push(record)
    await this.save()
  }

  /** Something to delete once the transaction commits. */
  async atCommit(record: Cleanup): Promise<void> {
    this.cleanup.push(record)
    await this.save()
  }

  /** Run one named step; the test hooks can fail or crash right after it. */
  async step<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const result = await fn()
    this.steps.push(id)
    faultPoint(`${this.operation}:${id}`)
    return result
  }

  async commit(): Promise<void> {
    rmSync(this.file, {force: true})
    for (const c of this.cleanup) rmSync(c.path, {recursive: true, force: true})
  }

  /** Undo everything in reverse order (best effort: every record is tried). */
  async abort(): Promise<void> {
    await runUndo(this.undo, this.reporter)
    rmSync(this.file, {force: true})
  }

  private async save(): Promise<void> {
    const doc: JournalFile = {operation: this.operation, name: this.name, pid: process.pid, undo: this.undo, cleanup: this.cleanup}
    await writeFileAtomic(this.file, JSON.stringify(doc, null, 1))
  }
}

/** Run `fn` inside a transaction: commit on success, undo on any error (then rethrow). */
export async function transact<T>(paths: HostPaths, operation: string, name: string, reporter: Reporter, fn: (t: Transaction) => Promise<T>): Promise<T> {
  const t = await Transaction.begin(paths, operation, name, reporter)
  let result: T
  try {
    result = await fn(t)
    faultPoint(`${operation}:commit`)
  } catch (e) {
    await t.abort()
    throw e
  }
  await t.commit()
  return result
}

/**
 * Run a mutating operation on a container: hold the name's lock, and first finish (undo) whatever an interrupted
 * operation on it left behind. install, update, rollback and uninstall all start this way.
 */
export async function withRecoveredContainer<T>(paths: HostPaths, name: string, reporter: Reporter, fn: () => Promise<T>): Promise<T> {
  return withContainerLock(paths, name, async () => {
    await recoverJournal(paths, name, reporter)
    return fn()
  })
}

/** Undo what an interrupted operation on `name` left (call with the name's lock held). */
export async function recoverJournal(paths: HostPaths, name: string, reporter: Reporter): Promise<boolean> {
  const file = journalPath(paths, name)
  if (!existsSync(file)) return false
  const parsed = parseJsonText(readFileSync(file, 'utf8'))
  const doc = parsed.ok ? (parsed.value as JournalFile) : undefined
  if (doc && Array.isArray(doc.undo)) {
    reporter.warn(`Undoing an interrupted ${doc.operation} of ${name}`)
    await runUndo(doc.undo, reporter)
  }
  rmSync(file, {force: true})
  return true
}

async function runUndo(records: readonly Undo[], reporter: Reporter): Promise<void> {
  for (const r of [...records].reverse()) {
    try {
      await undoOne(r)
    } catch (e) {
      reporter.warn(`Could not undo ${r.op} ${'path' in r ? r.path : 'argv' in r ? r.argv.join(' ') : r.to}: ${(e as Error).message}`)
    }
  }
}

const exists = (p: string): boolean => {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

async function undoOne(r: Undo): Promise<void> {
  switch (r.op) {
    case 'unlink': {
      if (!exists(r.path)) return
      if (r.sha256 !== undefined) {
        const st = lstatSync(r.path)
        const data = st.isSymbolicLink() ? readlinkSync(r.path) : readFileSync(r.path)
        if (sha256Hex(data) !== r.sha256) return
      }
      unlinkSync(r.path)
      return
    }
    case 'rmdir':
      if (exists(r.path) && readdirSync(r.path).length === 0) rmdirSync(r.path)
      return
    case 'rmtree':
      rmSync(r.path, {recursive: true, force: true})
      return
    case 'rename':
      if (exists(r.from) && !exists(r.to)) renameSync(r.from, r.to)
      return
    case 'symlink':
      if (exists(r.path)) {
        if (!lstatSync(r.path).isSymbolicLink()) throw new SysbuildError('SYSBUILD_CORE_BUG', `${r.path} is not a symlink`)
        unlinkSync(r.path)
      }
      if (r.target !== null) symlinkSync(r.target, r.path)
      return
    case 'restore':
      await writeFileAtomic(r.path, r.content)
      return
    case 'exec': {
      const [cmd, ...args] = r.argv
      if (cmd) await execCapture(cmd, args)
      return
    }
  }
}

/**
 * Test hooks (never documented for users): SYSBUILD_TEST_FAIL_AT=<operation>:<step>
 * throws right after that step; SYSBUILD_TEST_CRASH_AT kills the process there (SIGKILL),
 * leaving the journal for the next run to recover.
 */
export function faultPoint(point: string): void {
  if (process.env.SYSBUILD_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL')
  if (process.env.SYSBUILD_TEST_FAIL_AT === point) {
    throw new SysbuildError('SYSBUILD_ENGINE_FAULT_INJECTED', `Injected failure after ${point}`)
  }
}

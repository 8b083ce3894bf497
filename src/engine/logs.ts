/**
 * `sysbuild logs NAME [-f]`: the journal when systemd runs the unit, else the log file
 * sysbuild's runner writes (run dir of the container). Follow mode ends when the
 * container stops.
 */
import {spawn} from 'node:child_process'
import {closeSync, openSync, readSync, statSync} from 'node:fs'
import {setTimeout as sleep} from 'node:timers/promises'
import {readActive} from './active.js'
import {isServiceRunning} from './container-state.js'
import type {EngineOptions} from './install.js'
import {hostPaths} from './paths.js'
import {silentReporter} from './reporter.js'
import {containerLogPath} from './runner.js'
import {serviceManager} from './service-manager.js'

export interface LogsOptions extends EngineOptions {
  readonly name: string
  readonly follow?: boolean
  /** Follow: how often to look for new output (default 200 ms). */
  readonly pollMs?: number
}

export type LogSource = {readonly kind: 'journal'; readonly exitCode: Promise<number>} | {readonly kind: 'file'; readonly path: string; readonly chunks: AsyncGenerator<Buffer>}

export async function containerLogs(opts: LogsOptions): Promise<LogSource> {
  const paths = hostPaths({root: opts.root, checkoutPath: opts.checkoutPath})
  const active = await readActive(paths, opts.name)
  const sm = serviceManager(paths, opts.reporter ?? silentReporter)
  if (sm.live) {
    const child = spawn('journalctl', ['-u', opts.name, ...(opts.follow ? ['-f'] : [])], {stdio: 'inherit'})
    return {kind: 'journal', exitCode: new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)))}
  }
  const path = containerLogPath(paths, opts.name)
  const stillRunning = (): Promise<boolean> => isServiceRunning(paths, sm, opts.name, active.info)
  return {kind: 'file', path, chunks: readLog(path, opts.follow ? stillRunning : undefined, opts.pollMs ?? 200)}
}

async function* readLog(path: string, stillRunning: (() => Promise<boolean>) | undefined, pollMs: number): AsyncGenerator<Buffer> {
  let offset = 0
  for (;;) {
    const size = (() => {
      try {
        return statSync(path).size
      } catch {
        return 0
      }
    })()
    if (size < offset) offset = 0
    if (size > offset) {
      const fd = openSync(path, 'r')
      try {
        while (offset < size) {
          const buf = Buffer.alloc(Math.min(1 << 16, size - offset))
          const n = readSync(fd, buf, 0, buf.length, offset)
          if (n === 0) break
          offset += n
          yield buf.subarray(0, n)
        }
      } finally {
        closeSync(fd)
      }
    }
    if (!stillRunning || !(await stillRunning())) {
      if (stillRunning && statSafe(path) > offset) continue
      return
    }
    await sleep(pollMs)
  }
}

const statSafe = (p: string): number => {
  try {
    return statSync(p).size
  } catch {
    return 0
  }
}

/** Push/pull progress on stderr: live bars per blob on a terminal, one quiet line per finished blob otherwise. */
import {ProgressTracker, type ProgressEvent} from '../../src/registry/index.js'

export interface ProgressSink {
  readonly onProgress: (e: ProgressEvent) => void
  readonly onWarning: (text: string) => void
  /** Leave the terminal clean. */
  done(): void
}

export function progressSink(enabled: boolean, tty = Boolean(process.stderr.isTTY)): ProgressSink {
  const tracker = new ProgressTracker()
  const err = process.stderr
  let drawn = 0
  let last = 0
  const erase = (): void => {
    if (drawn > 0) err.write(`\u001b[${drawn}F\u001b[J`)
    drawn = 0
  }
  const draw = (): void => {
    const lines = tracker.bars()
    erase()
    if (lines.length) err.write(`${lines.join('\n')}\n`)
    drawn = lines.length
  }
  return {
    onProgress(e) {
      const line = tracker.update(e)
      if (!enabled) return
      if (!tty) {
        if (line) err.write(`${line}\n`)
        return
      }
      const now = Date.now()
      if (e.kind !== 'blob' || now - last > 100 || e.state !== 'uploading' && e.state !== 'downloading') {
        last = now
        if (e.kind === 'retry') {
          erase()
          err.write(`${line ?? ''}\n`)
        }
        draw()
      }
    },
    onWarning(text) {
      if (!enabled) return
      if (tty) erase()
      err.write(`warning: ${text}\n`)
      if (tty) draw()
    },
    done() {
      if (enabled && tty) draw()
    },
  }
}

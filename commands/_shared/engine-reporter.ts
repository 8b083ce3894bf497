/** The reporter engine commands hand to the engine: lines to stdout (not in --json mode), warnings to stderr. */
import type {Command} from '@oclif/core'
import type {Reporter} from '../../src/engine/index.js'

export function commandReporter(cmd: Command & {jsonEnabled(): boolean}): Reporter {
  return {
    line: (text) => {
      if (!cmd.jsonEnabled()) cmd.log(text)
    },
    warn: (text) => {
      if (!cmd.jsonEnabled()) cmd.logToStderr(text.startsWith('Warning:') ? text : `Warning: ${text}`)
    },
  }
}

/**
 * The command edge: global flags, and the one place where errors are rendered
 * and mapped to exit codes (README: "Exit codes").
 */
import {Command, Flags, Errors} from '@oclif/core'
import {ERROR_CODES, EXIT, errorText, isSysbuildError, type SysbuildError} from '../../src/core/index.js'

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    root: Flags.directory({
      description: 'Prefix every host path (store, checkouts, /etc/systemd/system, ...) with DIR.',
      env: 'SYSBUILD_ROOT',
      helpGroup: 'GLOBAL',
    }),
  }

  /** Print a line of human output (suppressed in --json mode). */
  protected say(line = ''): void {
    if (!this.jsonEnabled()) this.log(line)
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (isSysbuildError(err)) return this.renderSysbuildError(err)
    // oclif's own parse errors (unknown flag, missing argument) are usage errors: exit 2.
    if (err instanceof Errors.CLIError || err.oclif?.exit !== undefined) {
      if (this.jsonEnabled()) {
        this.logJson({error: {code: 'SYSBUILD_USAGE_INVALID_ARGUMENT', message: err.message, suggestions: []}})
        this.exit(err.oclif?.exit ?? EXIT.usage)
      }
      throw err
    }
    const bug = err instanceof Error ? err : new Error(String(err))
    const detail = process.env.SYSBUILD_DEBUG ? `\n${bug.stack ?? ''}` : ' (set SYSBUILD_DEBUG=1 for details)'
    if (this.jsonEnabled()) {
      this.logJson({error: {code: 'SYSBUILD_CORE_BUG', message: bug.message, suggestions: []}})
      this.exit(EXIT.failure)
    }
    this.error(`internal error: ${bug.message}${detail}`, {code: 'SYSBUILD_CORE_BUG', exit: EXIT.failure})
  }

  private renderSysbuildError(err: SysbuildError): never {
    const exit = ERROR_CODES[err.code].exit
    const message = errorText(err.message, err.hint)
    const suggestions = [...(err.hint.suggestions ?? [])]
    if (this.jsonEnabled()) {
      this.logJson({error: {code: err.code, message, suggestions, ...(err.hint.file ? {file: err.hint.file, line: err.hint.line, column: err.hint.column} : {})}})
      this.exit(exit)
    }
    this.error(message, {code: err.code, exit, suggestions, ref: err.hint.ref})
  }
}

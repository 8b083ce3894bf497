import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {containerLogs} from '../src/engine/index.js'

export default class Logs extends BaseCommand {
  static override summary = "Show a system container's output."

  static override description = 'From the journal (journalctl -u NAME) when systemd runs the unit; otherwise from the log file sysbuild start writes under /run/sysbuild/NAME.'

  static override enableJsonFlag = false

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new output until the container stops.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    const source = await containerLogs({name: args.name, follow: flags.follow, ...(flags.root === undefined ? {} : {root: flags.root})})
    if (source.kind === 'journal') {
      const code = await source.exitCode
      if (code !== 0) process.exitCode = code
      return
    }
    for await (const chunk of source.chunks) process.stdout.write(chunk)
  }
}

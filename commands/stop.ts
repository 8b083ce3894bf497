import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {stopContainer, type ContainerStatus} from '../src/engine/index.js'

export default class Stop extends BaseCommand {
  static override summary = 'Stop a running system container (SIGTERM, then SIGKILL after --timeout).'

  static override description = 'Through systemctl when systemd runs the unit; otherwise sysbuild signals and deletes the runc container it started.'

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  static override flags = {
    timeout: Flags.integer({default: 10, min: 0, description: 'Seconds to wait after SIGTERM before SIGKILL.'}),
  }

  async run(): Promise<ContainerStatus> {
    const {args, flags} = await this.parse(Stop)
    return stopContainer({name: args.name, timeoutMs: flags.timeout * 1000, ...(flags.root === undefined ? {} : {root: flags.root}), reporter: commandReporter(this)})
  }
}

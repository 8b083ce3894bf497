import {Args} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {statusContainer, type ContainerStatus} from '../src/engine/index.js'

export default class Status extends BaseCommand {
  static override summary = 'Show whether a system container is running, stopped or failed.'

  static override description = 'failed means the container ended on its own (runc still knows it as stopped) or systemd reports the unit failed.'

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  async run(): Promise<ContainerStatus> {
    const {args, flags} = await this.parse(Status)
    const status = await statusContainer({name: args.name, ...(flags.root === undefined ? {} : {root: flags.root})})
    this.say(`${status.name}: ${status.state}${status.pid ? ` (pid ${status.pid})` : ''}`)
    return status
  }
}

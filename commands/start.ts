import {Args} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {startContainer, type ContainerStatus} from '../src/engine/index.js'

export default class Start extends BaseCommand {
  static override summary = 'Start an installed system container.'

  static override description = 'Through systemctl when systemd runs the unit; otherwise sysbuild runs the active deployment with runc, detached, with a pid file and the output in a log file under /run/sysbuild/NAME (see sysbuild logs).'

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  async run(): Promise<ContainerStatus> {
    const {args, flags} = await this.parse(Start)
    return startContainer({name: args.name, ...(flags.root === undefined ? {} : {root: flags.root}), reporter: commandReporter(this)})
  }
}

import {Args} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {rollbackContainer, type RollbackResult} from '../src/engine/index.js'

export default class Rollback extends BaseCommand {
  static override summary = 'Switch a system container back to its other deployment.'

  static override description = "The unit and tmpfiles conf are the copies kept in that deployment; its host files are copied again with that deployment's own values. Running twice switches back again."

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  async run(): Promise<RollbackResult> {
    const {args, flags} = await this.parse(Rollback)
    return rollbackContainer({name: args.name, ...(flags.root === undefined ? {} : {root: flags.root}), reporter: commandReporter(this)})
  }
}

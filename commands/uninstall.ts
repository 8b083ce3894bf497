import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {uninstallContainer, type UninstallResult} from '../src/engine/index.js'

export default class Uninstall extends BaseCommand {
  static override summary = 'Remove a system container: service, unit, tmpfiles conf, unmodified host files and both deployments.'

  static override description = 'Host files changed since the install are kept and reported. The image stays in the local store (sysbuild prune removes unused data). Leftovers of a broken install (a lone NAME.0, a dangling link) are removed too.'

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  static override flags = {
    'ignore-missing': Flags.boolean({description: 'Succeed when nothing of that name is installed.'}),
  }

  async run(): Promise<UninstallResult> {
    const {args, flags} = await this.parse(Uninstall)
    return uninstallContainer({
      name: args.name,
      ignoreMissing: flags['ignore-missing'],
      ...(flags.root === undefined ? {} : {root: flags.root}),
      reporter: commandReporter(this),
    })
  }
}

import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {formatUpdateSummary, parseSetValues, updateAll, updateContainer, type UpdateResult, type UpdateSummaryRow} from '../src/engine/index.js'
import {SysbuildError} from '../src/core/index.js'

export default class Update extends BaseCommand {
  static override summary = 'Move a system container to a new image or new values, in its other deployment slot.'

  static override description = `The current image reference is looked up again in the local store (no pull); --rebase switches to another image. Earlier --set values and the UUID are kept; host values are computed again and the new image's defaults apply. The new deployment is staged and checked before the running container is stopped; if it was running and the new one does not start, sysbuild rolls back automatically.

"Latest version already installed." when neither the image nor a value changed.`

  static override args = {
    name: Args.string({description: 'Container name (or --all).'}),
  }

  static override flags = {
    all: Flags.boolean({description: 'Update every installed container; print a SUMMARY table (with --json: an array of {container, imageIdBefore, imageIdAfter, latestImageId, status}).'}),
    rebase: Flags.string({description: 'Switch to this image.'}),
    set: Flags.string({multiple: true, multipleNonGreedy: true, description: 'NAME=VALUE for a template variable (repeatable).'}),
    runtime: Flags.string({description: 'OCI runtime (default: the one recorded at install).'}),
    'systemd-cgroup': Flags.option({options: ['auto', 'always', 'never'] as const, default: 'auto' as const, description: 'Add --systemd-cgroup to EXEC_START/EXEC_STOP: auto = when systemd runs the host.'})(),
    'legacy-fixups': Flags.boolean({default: true, allowNo: true, description: 'Convert pre-1.0 config.json fields (with a warning).'}),
  }

  async run(): Promise<UpdateResult | UpdateSummaryRow[]> {
    const {args, flags} = await this.parse(Update)
    const usage = (message: string): never => {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', message)
    }
    if (flags.all) {
      if (args.name) usage("Incompatible options specified.  --all doesn't support a container name")
      if (flags.rebase || (flags.set ?? []).length) usage("Incompatible options specified.  --all doesn't support --set or --rebase")
      const rows = await updateAll({...(flags.root === undefined ? {} : {root: flags.root}), reporter: commandReporter(this)})
      for (const line of formatUpdateSummary(rows)) this.say(line)
      if (rows.some((r) => r.status === 'Failed')) process.exitCode = 1
      return rows
    }
    if (!args.name) usage('Too few arguments.  Please specify the container')
    return updateContainer({
      name: args.name!,
      ...(flags.rebase === undefined ? {} : {rebase: flags.rebase}),
      set: parseSetValues(flags.set ?? []),
      ...(flags.runtime === undefined ? {} : {runtime: flags.runtime}),
      systemdCgroup: flags['systemd-cgroup'],
      legacyFixups: flags['legacy-fixups'],
      ...(flags.root === undefined ? {} : {root: flags.root}),
      reporter: commandReporter(this),
    })
  }
}

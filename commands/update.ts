import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {updateContainer, type UpdateResult} from '../src/engine/index.js'
import {parseSetValues} from '../src/exports/index.js'

export default class Update extends BaseCommand {
  static override summary = 'Move a system container to a new image or new values, in its other deployment slot.'

  static override description = `The current image reference is looked up again in the local store (no pull); --rebase switches to another image. Earlier --set values and the UUID are kept; host values are computed again and the new image's defaults apply. The new deployment is staged and checked before the running container is stopped; if it was running and the new one does not start, sysbuild rolls back automatically.

"Latest version already installed." when neither the image nor a value changed.`

  static override args = {
    name: Args.string({required: true, description: 'Container name.'}),
  }

  static override flags = {
    rebase: Flags.string({description: 'Switch to this image.'}),
    set: Flags.string({multiple: true, multipleNonGreedy: true, description: 'NAME=VALUE for a template variable (repeatable).'}),
    runtime: Flags.string({description: 'OCI runtime (default: the one recorded at install).'}),
    'systemd-cgroup': Flags.option({options: ['auto', 'always', 'never'] as const, default: 'auto' as const, description: 'Add --systemd-cgroup to EXEC_START/EXEC_STOP: auto = when systemd runs the host.'})(),
    'legacy-fixups': Flags.boolean({default: true, allowNo: true, description: 'Convert pre-1.0 config.json fields (with a warning).'}),
  }

  async run(): Promise<UpdateResult> {
    const {args, flags} = await this.parse(Update)
    return updateContainer({
      name: args.name,
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

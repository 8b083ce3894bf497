import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {parseSetValues, runInContainer, type RunResult} from '../src/engine/index.js'

export default class Run extends BaseCommand {
  static override summary = 'Start a system container, run a command in it, or run an image once.'

  static override description = `Without a command: the same as sysbuild start. With a command (after --): runs it in the running container (runc exec), or, when the container is not running, in a temporary container made from the deployment's config.json (id NAME-run-<pid>). The exit status is the command's.

An IMAGE instead of NAME (it has a registry or a ":", and no container has that name) is taken from the local store or pulled, then run once in the foreground as run-once-<pid> with a temporary bundle, the command (if any) replacing its arguments; nothing is left installed. Its templates are rendered as install renders them, --set values first; an installed container keeps its own values (--set is refused there).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> hello -- cat /etc/os-release',
    '<%= config.bin %> <%= command.id %> localhost:5000/tools:1 -- ls /',
    '<%= config.bin %> <%= command.id %> --set RECEIVER=Mars hello-world:latest',
  ]

  static override strict = false

  static override args = {
    name: Args.string({required: true, description: 'Container name, or an image reference to run once.'}),
  }

  static override flags = {
    detach: Flags.boolean({char: 'd', description: 'Run the command in the background (only in a running container).'}),
    tty: Flags.boolean({char: 't', allowNo: true, description: 'Allocate a terminal (default: when stdin is one).'}),
    set: Flags.string({multiple: true, multipleNonGreedy: true, description: 'NAME=VALUE for a template variable of an IMAGE run once (repeatable).'}),
  }

  async run(): Promise<RunResult> {
    const {args, argv, flags} = await this.parse(Run)
    const command = (argv as string[]).slice(1)
    const result = await runInContainer({
      name: args.name,
      command,
      detach: flags.detach,
      set: parseSetValues(flags.set ?? []),
      ...(flags.tty === undefined ? {} : {tty: flags.tty}),
      ...(flags.root === undefined ? {} : {root: flags.root}),
      reporter: commandReporter(this),
    })
    if (result.exitCode !== 0) process.exitCode = result.exitCode
    return result
  }
}

import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {formatPlanPreview, installContainer, parseSetValues, type InstallResult} from '../src/engine/index.js'

export default class Install extends BaseCommand {
  static override summary = 'Install a system container: deployment, config.json, unit, tmpfiles and host files.'

  static override description = `IMAGE is a name in the local store (see sysbuild images) or oci-layout:DIR[:TAG]. The deployment goes to /var/lib/containers/atomic/NAME.0 with the link NAME pointing at it; the unit to /etc/systemd/system/NAME.service and the tmpfiles conf to /etc/tmpfiles.d/NAME.conf, all under --root when given. When systemd runs the host (and there is no --root) the unit is enabled with systemctl; otherwise enablement is written with systemctl --root and sysbuild start runs the container.

Nothing is changed on failure. --dry-run prints every file install would write, with its content, and every command it would run.`

  static override examples = [
    {description: 'Install into a scratch root and preview first', command: '<%= config.bin %> <%= command.id %> --root /tmp/host --dry-run hello-world'},
    {description: 'Give values to template variables', command: '<%= config.bin %> <%= command.id %> --set PORT=8081 --set RECEIVER=world hello-world'},
  ]

  static override args = {
    image: Args.string({required: true, description: 'Image: a local store name or oci-layout:DIR[:TAG].'}),
  }

  static override flags = {
    name: Flags.string({description: 'Container name (default: derived from the image name).'}),
    set: Flags.string({multiple: true, multipleNonGreedy: true, description: 'NAME=VALUE for a template variable (repeatable).'}),
    runtime: Flags.string({description: 'OCI runtime (default: $RUNC_PATH, else runc in PATH, else /usr/bin/runc).'}),
    'systemd-cgroup': Flags.option({options: ['auto', 'always', 'never'] as const, default: 'auto' as const, description: 'Add --systemd-cgroup to EXEC_START/EXEC_STOP: auto = when systemd runs the host.'})(),
    'dry-run': Flags.boolean({description: 'Print every file and command; change nothing.'}),
    now: Flags.boolean({description: 'Start the container after installing it.'}),
    'legacy-fixups': Flags.boolean({default: true, allowNo: true, description: 'Convert pre-1.0 config.json fields (with a warning); --no-legacy-fixups refuses them.'}),
    rootfs: Flags.string({description: "Use the image's filesystem already at PATH (shared by several containers) instead of extracting it; root.path points there."}),
  }

  async run(): Promise<InstallResult> {
    const {args, flags} = await this.parse(Install)
    const result = await installContainer({
      image: args.image,
      ...(flags.name === undefined ? {} : {name: flags.name}),
      set: parseSetValues(flags.set ?? []),
      ...(flags.runtime === undefined ? {} : {runtime: flags.runtime}),
      systemdCgroup: flags['systemd-cgroup'],
      dryRun: flags['dry-run'],
      now: flags.now,
      legacyFixups: flags['legacy-fixups'],
      ...(flags.rootfs === undefined ? {} : {rootfs: flags.rootfs}),
      ...(flags.root === undefined ? {} : {root: flags.root}),
      reporter: commandReporter(this),
    })
    if (result.status === 'dry-run') for (const line of formatPlanPreview(result.preview)) this.say(line)
    if (result.status === 'ran-once' && result.preview) for (const line of formatPlanPreview(result.preview)) this.say(line)
    if (result.status === 'ran-once' && result.exitCode !== 0) process.exitCode = result.exitCode
    return result
  }
}

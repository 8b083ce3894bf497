import {Args, Flags} from '@oclif/core'
import {relative} from 'node:path'
import {BaseCommand} from './_shared/base-command.js'
import {initProject, SCAFFOLD_TEMPLATES, type InitResult} from '../src/exports/index.js'

export default class Init extends BaseCommand {
  static override summary = 'Create a system-container project from a scaffold.'

  static override description = `Writes DIR/sysbuild.toml (the build spec), DIR/exports/ (manifest.json, config.json.template, service.template, tmpfiles.template and an empty hostfs/), DIR/rootfs/ (the image content) and DIR/README.md. The result passes \`sysbuild lint --strict\` and builds offline (its rootfs uses Debian's busybox-static).

Templates: hello-world (an HTTP greeting on the host network, PORT and RECEIVER values), service (a daemon with configuration, state and runtime directories), run-once (a task run once at install, label atomic.run=once), hostfs (a service that ships files to the host with renameFiles and installedFilesTemplate).

A non-empty DIR is refused unless --force is given; --force replaces the scaffold's files and keeps the others.`

  static override examples = [
    {description: 'Create ./hello-world from the hello-world template', command: '<%= config.bin %> <%= command.id %> hello-world'},
    {description: 'A daemon with state, in ./svc', command: '<%= config.bin %> <%= command.id %> example/my-daemon --template service --dir svc'},
    {
      description: 'Set the unit description and extra manifest defaults',
      command: '<%= config.bin %> <%= command.id %> greeter --description "Greets visitors" --default PORT=9090 --default RECEIVER=Friend',
    },
  ]

  static override args = {
    name: Args.string({
      required: true,
      description: 'Image name (lowercase, e.g. hello-world or example/etcd); its last component names the directory and the container.',
    }),
  }

  static override flags = {
    template: Flags.string({char: 't', default: 'hello-world', description: `Scaffold to start from: ${SCAFFOLD_TEMPLATES.join(', ')}.`}),
    dir: Flags.string({description: 'Directory to write (default: ./<last component of NAME>).'}),
    force: Flags.boolean({description: 'Write into a non-empty directory, replacing files of the same name.'}),
    description: Flags.string({description: 'Unit Description= and image summary label.'}),
    default: Flags.string({multiple: true, description: 'K=V: add a manifest.json defaultValues entry (repeatable).'}),
  }

  async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init)
    const result = await initProject({
      name: args.name,
      template: flags.template,
      dir: flags.dir,
      force: flags.force,
      description: flags.description,
      defaults: flags.default,
    })
    const shown = relative(process.cwd(), result.dir) || '.'
    this.say(`Created ${shown}/ from the ${result.template} template:`)
    for (const f of result.files) this.say(`  ${f}`)
    this.say(`Next: cd ${shown} && ${this.config.bin} lint && ${this.config.bin} build`)
    return result
  }
}

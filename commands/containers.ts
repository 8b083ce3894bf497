import {Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {formatContainerTable, listContainers, type ContainerEntry} from '../src/engine/index.js'

export default class Containers extends BaseCommand {
  static override summary = 'List installed system containers.'

  static override description = `Columns as atomic showed them: CONTAINER ID, IMAGE, NAME, COMMAND, CREATED, STATE, BACKEND, RUNTIME. STATE is running, failed, inactive, no service (noContainerService images) or broken (an incomplete install: run sysbuild uninstall NAME). Without --all, inactive containers are left out. Filters match a case-insensitive substring; keys: container, image, command, created, state, runtime, backend.`

  static override aliases = ['containers:list']

  static override flags = {
    all: Flags.boolean({char: 'a', description: 'Also list inactive containers.'}),
    filter: Flags.string({char: 'f', multiple: true, description: 'KEY=VALUE filter (repeatable).'}),
    noheading: Flags.boolean({char: 'n', description: 'No header line.'}),
    'no-trunc': Flags.boolean({description: 'Do not cut values to the column width.'}),
    quiet: Flags.boolean({char: 'q', description: 'Only the container names.'}),
  }

  async run(): Promise<ContainerEntry[]> {
    const {flags} = await this.parse(Containers)
    const entries = await listContainers({all: flags.all, filters: flags.filter ?? [], ...(flags.root === undefined ? {} : {root: flags.root})})
    for (const line of formatContainerTable(entries, {noTrunc: flags['no-trunc'], noHeading: flags.noheading, quiet: flags.quiet})) this.say(line)
    return entries
  }
}

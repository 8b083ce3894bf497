import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {saveImage, type SaveResult} from '../src/engine/index.js'

export default class Save extends BaseCommand {
  static override summary = 'Write an image of the local store to an OCI layout, an archive, or a Docker daemon.'

  static override description = `The archive is named explicitly (no name mangling) and is deterministic: the same image gives the same bytes. docker-archive files load with \`docker load\`; they are OCI layouts too.`

  static override examples = [
    {description: 'A docker-archive for docker load', command: '<%= config.bin %> <%= command.id %> hello-world:latest -o docker-archive:hello-world.tar'},
    {description: 'An OCI layout directory', command: '<%= config.bin %> <%= command.id %> hello-world -o oci:./oci:latest'},
  ]

  static override args = {
    image: Args.string({required: true, description: 'NAME[:TAG] (or manifest digest) in the local store.'}),
  }

  static override flags = {
    output: Flags.string({char: 'o', multiple: true, description: 'oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG] (repeatable).'}),
    load: Flags.boolean({description: 'Load the image into the Docker daemon at DOCKER_HOST (or /var/run/docker.sock).'}),
    'source-date-epoch': Flags.integer({min: 0, env: 'SOURCE_DATE_EPOCH', description: 'Time stamp of the archive entries (default 0).'}),
  }

  async run(): Promise<SaveResult> {
    const {args, flags} = await this.parse(Save)
    const result = await saveImage({image: args.image, outputs: flags.output ?? [], load: flags.load, epoch: flags['source-date-epoch'], root: flags.root})
    for (const o of result.outputs) this.say(`${o.kind}${o.path ? `:${o.path}` : ''} ${o.ref}`)
    return result
  }
}

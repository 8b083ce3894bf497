import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../_shared/base-command.js'
import {removeImage} from '../../src/engine/index.js'

export default class ImagesRm extends BaseCommand {
  static override summary = 'Remove an image from the local store.'

  static override description = 'Refused while a deployment uses the image, unless --force (installed deployments keep their files either way). Blobs no other image needs are deleted.'

  static override args = {
    ref: Args.string({required: true, description: 'Image name (NAME[:TAG]) or manifest digest.'}),
  }

  static override flags = {
    force: Flags.boolean({description: 'Remove the name even when a deployment uses the image.'}),
  }

  async run(): Promise<{ref: string; freedBytes: number}> {
    const {args, flags} = await this.parse(ImagesRm)
    const r = await removeImage({ref: args.ref, force: flags.force, ...(flags.root === undefined ? {} : {root: flags.root})})
    this.say(`Deleted ${r.ref}`)
    return r
  }
}

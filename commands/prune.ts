import {Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {commandReporter} from './_shared/engine-reporter.js'
import {pruneStore, type PruneResult} from '../src/engine/index.js'

export default class Prune extends BaseCommand {
  static override summary = 'Delete data nothing uses: unreferenced blobs, extracted layers no deployment needs, leftovers of crashed operations.'

  static override flags = {
    all: Flags.boolean({description: 'Also delete images that no deployment uses (prints Deleting <ref>).'}),
  }

  async run(): Promise<PruneResult> {
    const {flags} = await this.parse(Prune)
    const r = await pruneStore({all: flags.all, ...(flags.root === undefined ? {} : {root: flags.root}), reporter: commandReporter(this)})
    this.say(`Removed ${r.removedImages.length} image(s), ${r.removedBlobs} blob(s) and ${r.removedLayers} extracted layer(s); freed ${r.freedBytes} bytes`)
    return r
  }
}

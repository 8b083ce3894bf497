import {BaseCommand} from '../_shared/base-command.js'
import {listImages, type ImageEntry} from '../../src/engine/index.js'

export default class Images extends BaseCommand {
  static override summary = 'List the images in the local store.'

  static override description = 'The local store is an OCI image layout in /var/lib/containers/sysbuild/images (under --root when given). USED BY names the containers whose deployments (active or previous) come from the image.'

  async run(): Promise<ImageEntry[]> {
    const {flags} = await this.parse(Images)
    const images = await listImages({...(flags.root === undefined ? {} : {root: flags.root})})
    if (images.length > 0) {
      const w = Math.max(10, ...images.map((i) => i.ref.length))
      this.say(`${'REFERENCE'.padEnd(w)} ${'IMAGE ID'.padEnd(12)} ${'CREATED'.padEnd(20)} ${'SIZE'.padStart(10)}  USED BY`)
      for (const i of images) {
        this.say(`${i.ref.padEnd(w)} ${i.id} ${(i.created ?? '').slice(0, 19).padEnd(20)} ${String(i.size).padStart(10)}  ${i.usedBy.join(', ')}`)
      }
    }
    return images
  }
}

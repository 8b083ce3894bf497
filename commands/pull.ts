import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {clientOptions, connectionFlags, credentialFlags, transferFlags} from './_shared/registry-flags.js'
import {progressSink} from './_shared/registry-progress.js'
import {imageStoreDir, pullImageTo, type PullResult} from '../src/registry/index.js'

export default class Pull extends BaseCommand {
  static override summary = 'Pull an image from a registry into the local store; print its digest.'

  static override description = `REF is a registry reference: busybox (docker.io/library/busybox:latest), quay.io/team/app:1.0, localhost:5000/app@sha256:<digest>. From an image index the manifest for the host's platform is taken (--platform to choose another).

Every blob is verified (size and digest) while it streams into the store; a blob that does not match is refused and nothing of it is kept, and the image is named in the store (by its full reference) only once all of it is there.

Exit status: 0 pulled, 4 authentication refused or access denied, 1 other failures.`

  static override examples = [
    {description: 'Pull from a local registry', command: '<%= config.bin %> <%= command.id %> localhost:5000/example/app:1.0'},
    {description: 'Pull the arm64 image of a multi-platform index', command: '<%= config.bin %> <%= command.id %> quay.io/team/app:1.0 --platform linux/arm64'},
  ]

  static override args = {
    ref: Args.string({required: true, description: 'The image to pull: [REGISTRY/]REPOSITORY[:TAG][@DIGEST].'}),
  }

  static override flags = {
    ...credentialFlags,
    ...connectionFlags,
    ...transferFlags,
    platform: Flags.string({description: 'os/architecture[/variant] to take from an image index (default: the host\'s).'}),
  }

  async run(): Promise<PullResult> {
    const {args, flags} = await this.parse(Pull)
    const sink = progressSink(!this.jsonEnabled())
    const result = await pullImageTo(args.ref, imageStoreDir({root: flags.root}), {
      ...(await clientOptions(flags, sink.onWarning)),
      jobs: flags.jobs,
      ...(flags.platform ? {platform: flags.platform} : {}),
      onProgress: sink.onProgress,
    })
    sink.done()
    this.say(result.digest)
    return result
  }
}

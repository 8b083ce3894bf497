import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {clientOptions, connectionFlags, credentialFlags, parseByteSize, transferFlags} from './_shared/registry-flags.js'
import {progressSink} from './_shared/registry-progress.js'
import {writeFileAtomic} from '../src/core/index.js'
import {imageStoreDir, pushImageFrom, type PushResult} from '../src/registry/index.js'

export default class Push extends BaseCommand {
  static override summary = 'Push an image to a registry; print its digest.'

  static override description = `IMAGE is a name in the local store (as build or pull stored it), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] or docker-daemon:NAME[:TAG]; without IMAGE, the local image named REF is pushed. REF is a registry reference such as localhost:5000/team/app:1.0 or quay.io/team/app:1.0.

Stored images, layouts and oci-archives are pushed byte for byte (the same digest). A docker-archive (docker save) holds no registry manifest: push writes an OCI manifest for its config and layers, both kept as they are (never recompressed), as skopeo copy does; an archive of several images needs :NAME:TAG (one of its RepoTags). docker-daemon: reads docker save of NAME from the daemon at DOCKER_HOST (default /var/run/docker.sock).

Blobs the repository already has are skipped, blobs other repositories of the registry hold (known from images pulled from there) are mounted, the rest is uploaded (one streamed request per blob; --chunk-size for registries that limit request sizes), then the manifests. Only the pushed digest is printed on standard output; progress goes to standard error.

Credentials: --creds/--creds-stdin, else docker's config.json (credential helpers included), else podman's auth.json.

Exit status: 0 pushed, 4 authentication refused or access denied, 2 a bad IMAGE or REF (a docker-archive of several images without :NAME:TAG), 5 the Docker daemon cannot be reached, 1 other failures (a missing image, an archive that is not one or whose layers do not match their digests).`

  static override examples = [
    {description: 'Push a built image', command: '<%= config.bin %> <%= command.id %> example/app:1.0 localhost:5000/example/app:1.0'},
    {description: 'Push an OCI layout and keep its digest', command: '<%= config.bin %> <%= command.id %> oci:./out:1.0 quay.io/team/app:1.0 --digestfile app.digest'},
    {description: 'Push one image of a docker save archive', command: '<%= config.bin %> <%= command.id %> docker-archive:images.tar:example/app:1.0 localhost:5000/example/app:1.0'},
    {description: 'Push an image of the Docker daemon', command: '<%= config.bin %> <%= command.id %> docker-daemon:example/app:1.0 localhost:5000/example/app:1.0'},
    {description: 'A registry that accepts at most 4 MiB per request', command: '<%= config.bin %> <%= command.id %> app:1 ghcr.io/team/app:1 --chunk-size 4MiB'},
  ]

  static override args = {
    image: Args.string({required: true, description: 'The image to push (or REF, when REF is omitted).'}),
    // ignoreStdin: oclif would otherwise take piped input (--creds-stdin's credentials) as REF.
    ref: Args.string({description: 'Where to push it: REGISTRY/REPOSITORY[:TAG].', ignoreStdin: true}),
  }

  static override flags = {
    ...credentialFlags,
    ...connectionFlags,
    ...transferFlags,
    'chunk-size': Flags.string({description: 'Upload in spec chunks of this size (e.g. 4MiB) instead of one streamed request per blob.'}),
    digestfile: Flags.string({description: 'Also write the pushed digest to this file.'}),
  }

  async run(): Promise<PushResult> {
    const {args, flags} = await this.parse(Push)
    const sink = progressSink(!this.jsonEnabled())
    const result = await pushImageFrom(args.image, args.ref ?? args.image, {
      ...(await clientOptions(flags, sink.onWarning)),
      storeDir: imageStoreDir({root: flags.root}),
      // docker-daemon: only; the engine (and dockerode) is loaded then, never for other pushes.
      dockerSave: async (name: string) => (await import('../src/engine/index.js')).savedImageStream(name),
      jobs: flags.jobs,
      ...(flags['chunk-size'] ? {chunkSize: parseByteSize(flags['chunk-size'])} : {}),
      onProgress: sink.onProgress,
    })
    sink.done()
    if (flags.digestfile) await writeFileAtomic(flags.digestfile, `${result.digest}\n`)
    this.say(result.digest)
    return result
  }
}

import {Args, Flags} from '@oclif/core'
import {BaseCommand} from './_shared/base-command.js'
import {connectionFlags, credentialFlags, registryAccess} from './_shared/registry-flags.js'
import {buildImage, parseKeyValues, type BuildEvent, type BuildResult} from '../src/engine/index.js'

export default class Build extends BaseCommand {
  static override summary = 'Build a system-container image from a project, without a daemon, reproducibly.'

  static override description = `Reads DIR/sysbuild.toml (flags override it; without one, -t and the paths come from flags), lints the exports (refusing on errors unless --no-lint), adds the base layers untouched, one layer per rootfs directory, one for the [[copy]] entries and a small last layer for /exports, and stores the image in the local store (an OCI image layout under the sysbuild data directory).

The same inputs give the same image digest: file times are clamped to SOURCE_DATE_EPOCH (default 0, i.e. 1970-01-01T00:00:00Z), entries are sorted, owners are numeric.

Prints the image (manifest) digest.`

  static override examples = [
    {description: 'Build the project in the current directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Build the hello-world example and write a docker-archive', command: '<%= config.bin %> <%= command.id %> examples/hello-world --output docker-archive:hello.tar'},
    {description: 'Build without a spec', command: '<%= config.bin %> <%= command.id %> --from scratch --rootfs rootfs --exports exports -t example/app:1.0'},
    {description: 'Reproducible timestamps', command: 'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) <%= config.bin %> <%= command.id %>'},
    {description: 'Labels and annotations over the spec\'s', command: '<%= config.bin %> <%= command.id %> --label version=1.2 --annotation org.opencontainers.image.source=https://example.com/app'},
    {description: 'On a base from a registry that needs a login', command: 'echo "$REGISTRY_USER:$REGISTRY_PASSWORD" | <%= config.bin %> <%= command.id %> --from registry.example.com/base/busybox:1.36 --creds-stdin'},
  ]

  static override args = {
    // ignoreStdin: oclif would otherwise take piped input (--creds-stdin's credentials) as DIR.
    dir: Args.directory({description: 'Project directory (default: the current directory).', ignoreStdin: true}),
  }

  static override flags = {
    from: Flags.string({description: 'Base image: scratch, oci:PATH[:REF], oci-archive:FILE, docker-archive:FILE, docker-daemon:NAME[:TAG], a local image name, or a registry reference (pulled with --creds, --plain-http, --tls-verify).'}),
    rootfs: Flags.string({multiple: true, description: 'A directory whose contents become a layer (repeatable; replaces the spec\'s list).'}),
    exports: Flags.string({description: 'The exports directory (replaces the spec\'s).'}),
    tag: Flags.string({char: 't', description: 'Image NAME:TAG (replaces the spec\'s name and tag).'}),
    output: Flags.string({char: 'o', multiple: true, description: 'Also write the image to oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG] (repeatable).'}),
    load: Flags.boolean({description: 'Load the image into the Docker daemon at DOCKER_HOST (or /var/run/docker.sock).'}),
    lint: Flags.boolean({default: true, allowNo: true, description: 'Lint the exports first and refuse to build on errors (--no-lint skips).'}),
    compression: Flags.option({options: ['pgzip', 'gzip', 'none'] as const, default: 'pgzip' as const, description: 'Layer compression: parallel gzip (one deterministic member, all cores), single-thread gzip, or none (local-only images).'})(),
    'compression-level': Flags.integer({min: 1, max: 9, default: 1, description: 'gzip level.'}),
    jobs: Flags.integer({char: 'j', min: 1, max: 64, description: 'pgzip compression threads (default: the CPU count, 2 to 8). The image does not depend on it.'}),
    'source-date-epoch': Flags.integer({min: 0, env: 'SOURCE_DATE_EPOCH', description: 'Clamp file times to this and use it as the image creation time (seconds since 1970; default 0).'}),
    arch: Flags.string({description: 'Image architecture (GOARCH spelling); default: the spec\'s, the base\'s, or the host\'s.'}),
    devices: Flags.boolean({description: 'Carry device nodes found in rootfs directories instead of refusing them.'}),
    cache: Flags.boolean({default: true, allowNo: true, description: 'Reuse layers whose inputs did not change (--no-cache rebuilds all).'}),
    xattrs: Flags.boolean({allowNo: true, description: 'Carry extended attributes, read with getfattr (--xattrs requires it, --no-xattrs leaves them out; default: the spec\'s, else when getfattr is installed).'}),
    remove: Flags.string({multiple: true, description: 'An absolute path of the base image to delete (a whiteout in the first added layer; repeatable; replaces the spec\'s list).'}),
    label: Flags.string({multiple: true, multipleNonGreedy: true, description: 'KEY=VALUE image label over the spec\'s (repeatable). name and architecture default to the image\'s; atomic.type=system is always set.'}),
    annotation: Flags.string({multiple: true, multipleNonGreedy: true, description: 'KEY=VALUE manifest annotation over the spec\'s, e.g. org.opencontainers.image.version=1.0 (repeatable).'}),
    ...credentialFlags,
    ...connectionFlags,
  }

  async run(): Promise<BuildResult> {
    const {args, flags} = await this.parse(Build)
    const progress = !this.jsonEnabled() && Boolean(process.stderr.isTTY) ? ttyProgress() : plainProgress(!this.jsonEnabled())
    const result = await buildImage({
      dir: args.dir,
      from: flags.from,
      rootfs: flags.rootfs,
      exports: flags.exports,
      tag: flags.tag,
      outputs: flags.output,
      load: flags.load,
      lint: flags.lint,
      compression: flags.compression,
      level: flags['compression-level'],
      jobs: flags.jobs,
      epoch: flags['source-date-epoch'],
      architecture: flags.arch,
      labels: parseKeyValues(flags.label ?? [], '--label'),
      annotations: parseKeyValues(flags.annotation ?? [], '--annotation'),
      registryAccess: await registryAccess(flags),
      devices: flags.devices,
      cache: flags.cache,
      xattrs: flags.xattrs,
      remove: flags.remove,
      root: flags.root,
      onEvent: progress,
    })
    progress({kind: 'step', step: 'done'})
    this.say(result.digest)
    return result
  }
}

/** One line per step on stderr (not a TTY). */
function plainProgress(enabled: boolean): (e: BuildEvent) => void {
  return (e) => {
    if (!enabled) return
    if (e.kind === 'step' && e.step !== 'done') process.stderr.write(`${e.step}${e.detail ? `: ${e.detail}` : ''}\n`)
    if (e.kind === 'warning') process.stderr.write(`warning: ${e.message}\n`)
  }
}

/** A live line with files, bytes and rate while a layer is written. */
function ttyProgress(): (e: BuildEvent) => void {
  let start = Date.now()
  let last = 0
  let live = false
  const clear = (): void => {
    if (live) process.stderr.write('\r\u001b[K')
    live = false
  }
  return (e) => {
    if (e.kind === 'step') {
      clear()
      start = Date.now()
      if (e.step !== 'done') process.stderr.write(`${e.step}${e.detail ? `: ${e.detail}` : ''}\n`)
    } else if (e.kind === 'warning') {
      clear()
      process.stderr.write(`warning: ${e.message}\n`)
    } else {
      const now = Date.now()
      if (now - last < 100 && e.files !== e.totalFiles) return
      last = now
      const mib = (n: number): string => (n / 1048576).toFixed(1)
      const rate = e.bytes / 1048576 / Math.max(0.001, (now - start) / 1000)
      process.stderr.write(`\r\u001b[K  ${e.files}/${e.totalFiles} files, ${mib(e.bytes)}/${mib(e.totalBytes)} MiB, ${rate.toFixed(0)} MiB/s`)
      live = true
    }
  }
}

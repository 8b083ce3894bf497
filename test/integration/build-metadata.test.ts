/**
 * What a build says about its image, read back by skopeo (not by sysbuild): the spec's annotations and image
 * config, its labels with system-buildah's defaults (name, architecture) and --label/--annotation over them,
 * and --arch in the config and in the index's platform.
 */
import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, ROOT, runCli} from '../commands/run-cli.js'
import {toolSkipReason} from '../image/kit.js'

const EPOCH = {SOURCE_DATE_EPOCH: '1700000000'}
const SPEC = `name = "example/meta"
tag = "2.0"
from = "scratch"
rootfs = ["rootfs"]
exports = "${join(ROOT, 'examples/hello-world/exports')}"
architecture = "amd64"

[labels]
version = "2.0"
summary = "Metadata test"
maintainer = "Jane Doe <jane@example.com>"
license = "Apache-2.0"
help = "https://example.com/meta/README.md"
"distribution-scope" = "public"

[annotations]
"org.opencontainers.image.title" = "meta"
"org.opencontainers.image.source" = "https://example.com/meta.git"
"org.opencontainers.image.version" = "2.0"

[config]
env = ["PATH=/usr/bin:/bin", "GREETING=hello world"]
entrypoint = ["/bin/busybox", "sh", "-c"]
cmd = ["echo \\"$GREETING\\""]
workdir = "/srv"
user = "1000:1000"
stop_signal = "SIGINT"
`

const skopeo = (...args: string[]): string => {
  const r = spawnSync('skopeo', args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

describe.skipIf(toolSkipReason('skopeo'))('image config, labels and annotations (skopeo reads them back)', () => {
  let w: string
  beforeAll(async () => {
    buildCli()
    w = await mkdtemp(join(tmpdir(), 'sb-meta-'))
    await mkdir(join(w, 'proj', 'rootfs', 'srv'), {recursive: true})
    await writeFile(join(w, 'proj', 'rootfs', 'srv', 'motd'), 'meta\n')
    await writeFile(join(w, 'proj', 'sysbuild.toml'), SPEC)
  }, 300_000)
  afterAll(async () => {
    await rm(w, {recursive: true, force: true})
  })

  it('the spec\'s config and annotations, --arch arm64, and --label/--annotation over the spec arrive exactly', async () => {
    const out = join(w, 'out')
    const r = runCli(['build', join(w, 'proj'), '--root', join(w, 'r1'), '--arch', 'arm64', '-o', `oci:${out}:meta`, '--json',
      '--label', 'version=2.1', '--label', 'summary=a=b (split at the first =)', '--label', 'atomic.type=not-system',
      '--annotation', 'org.opencontainers.image.version=2.1', '--annotation', 'org.opencontainers.image.revision=abc123'], {env: EPOCH})
    expect(r.status, r.stderr).toBe(0)
    const built = JSON.parse(r.stdout) as {digest: string; config: string; platform: {os: string; architecture: string}}

    const config = JSON.parse(skopeo('inspect', '--config', `oci:${out}:meta`)) as {
      architecture: string; os: string; variant?: string; created: string
      config: {Env: string[]; Entrypoint: string[]; Cmd: string[]; WorkingDir: string; User: string; StopSignal: string; Labels: Record<string, string>}
    }
    expect(config.architecture).toBe('arm64')
    expect(config.os).toBe('linux')
    expect(config.variant).toBeUndefined()
    expect(config.created).toBe('2023-11-14T22:13:20Z')
    expect(config.config).toEqual({
      Env: ['PATH=/usr/bin:/bin', 'GREETING=hello world'],
      Entrypoint: ['/bin/busybox', 'sh', '-c'],
      Cmd: ['echo "$GREETING"'],
      WorkingDir: '/srv',
      User: '1000:1000',
      StopSignal: 'SIGINT',
      Labels: {
        // atomic.type=system always; name and architecture from the image (system-buildah's spelling: aarch64).
        'atomic.type': 'system',
        name: 'example/meta',
        architecture: 'aarch64',
        version: '2.1',
        summary: 'a=b (split at the first =)',
        maintainer: 'Jane Doe <jane@example.com>',
        license: 'Apache-2.0',
        help: 'https://example.com/meta/README.md',
        'distribution-scope': 'public',
      },
    })

    const manifest = JSON.parse(skopeo('inspect', '--raw', `oci:${out}:meta`)) as {config: {digest: string}; annotations: Record<string, string>}
    expect(manifest.config.digest).toBe(built.config)
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.title': 'meta',
      'org.opencontainers.image.source': 'https://example.com/meta.git',
      'org.opencontainers.image.version': '2.1',
      'org.opencontainers.image.revision': 'abc123',
    })
    const inspect = JSON.parse(skopeo('inspect', `oci:${out}:meta`)) as {Digest: string; Architecture: string; Os: string; Labels: Record<string, string>}
    expect(inspect).toMatchObject({Digest: built.digest, Architecture: 'arm64', Os: 'linux'})
    expect(inspect.Labels).toEqual(config.config.Labels)

    // The index entries (the --output layout's and the local store's) carry the platform.
    const entry = async (layout: string, ref: string) =>
      ((JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {manifests: {digest: string; platform?: unknown; annotations?: Record<string, string>}[]}).manifests)
        .find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref)
    expect(await entry(out, 'meta')).toMatchObject({digest: built.digest, platform: {os: 'linux', architecture: 'arm64'}})
    expect(await entry(join(w, 'r1', 'var/lib/containers/sysbuild/images'), 'example/meta:2.0')).toMatchObject({digest: built.digest, platform: {os: 'linux', architecture: 'arm64'}})
    expect(built.platform).toEqual({os: 'linux', architecture: 'arm64'})
  })

  it('name and architecture default only when the user did not set them; the name leaves out a registry host', async () => {
    const out = join(w, 'out2')
    const hosted = runCli(['build', join(w, 'proj'), '--root', join(w, 'r2'), '-t', 'localhost:5000/team/app:1', '-o', `oci:${out}:hosted`], {env: EPOCH})
    expect(hosted.status, hosted.stderr).toBe(0)
    const own = runCli(['build', join(w, 'proj'), '--root', join(w, 'r2'), '-o', `oci:${out}:own`, '--label', 'name=my/own', '--label', 'architecture=x86-64-v3'], {env: EPOCH})
    expect(own.status, own.stderr).toBe(0)
    const labels = (ref: string) => (JSON.parse(skopeo('inspect', '--config', `oci:${out}:${ref}`)) as {config: {Labels: Record<string, string>}}).config.Labels
    // The spec says amd64: system-buildah's x86_64.
    expect(labels('hosted')).toMatchObject({name: 'team/app', architecture: 'x86_64', 'atomic.type': 'system', version: '2.0'})
    expect(labels('own')).toMatchObject({name: 'my/own', architecture: 'x86-64-v3', 'atomic.type': 'system'})
    expect(JSON.parse(skopeo('inspect', '--raw', `oci:${out}:own`)).annotations['org.opencontainers.image.version']).toBe('2.0')
  })

  it('a --label or --annotation without KEY= is a usage error (exit 2) that names the flag', () => {
    for (const [flag, value] of [['--label', 'novalue'], ['--label', '=x'], ['--annotation', 'org.opencontainers.image.version']]) {
      const r = runCli(['build', join(w, 'proj'), '--root', join(w, 'r3'), flag!, value!], {env: EPOCH})
      expect({flag, value, status: r.status}).toEqual({flag, value, status: 2})
      expect(r.stderr).toContain(`${flag} ${JSON.stringify(value)}: expected KEY=VALUE`)
      expect(hasStackTrace(r.stderr)).toBe(false)
    }
  })
})

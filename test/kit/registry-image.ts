/**
 * Test images built with umoci (an independent tool) from a busybox-static rootfs, optionally with an extra
 * layer of incompressible random bytes (for chunking and resume tests).
 */
import {spawn, spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {createHash, randomBytes} from 'node:crypto'
import {join} from 'node:path'

export interface TestImage {
  /** The OCI layout directory. */
  readonly layout: string
  readonly tag: string
  /** Manifest digest (what index.json names for `tag`). */
  readonly digest: string
}

export function run(cmd: string, args: readonly string[], opts: {input?: string; env?: NodeJS.ProcessEnv} = {}): string {
  const r = spawnSync(cmd, args, {encoding: 'utf8', input: opts.input, env: opts.env ?? process.env, maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
  return r.stdout
}

export interface TestImageOptions {
  readonly tag?: string
  /** Add a layer holding one file of this many random bytes. */
  readonly randomBytes?: number
  /** A text file that makes this image differ from others built the same way. */
  readonly marker?: string
}

export function buildTestImage(dir: string, opts: TestImageOptions = {}): TestImage {
  const tag = opts.tag ?? 'latest'
  const layout = join(dir, 'oci')
  const rootfs = join(dir, `rootfs-${tag}`)
  mkdirSync(join(rootfs, 'bin'), {recursive: true})
  mkdirSync(join(rootfs, 'etc'), {recursive: true})
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'))
  for (const tool of ['sh', 'ls', 'cat', 'echo', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', tool))
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
  if (opts.marker) writeFileSync(join(rootfs, 'etc', 'marker'), `${opts.marker}\n`)
  const image = `${layout}:${tag}`
  if (!safeExists(join(layout, 'oci-layout'))) run('umoci', ['init', '--layout', layout])
  run('umoci', ['new', '--image', image])
  run('umoci', ['insert', '--image', image, rootfs, '/'])
  if (opts.randomBytes) {
    const extra = join(dir, `random-${tag}`)
    mkdirSync(join(extra, 'data'), {recursive: true})
    writeFileSync(join(extra, 'data', 'random.bin'), randomBytes(opts.randomBytes))
    run('umoci', ['insert', '--image', image, extra, '/'])
  }
  run('umoci', ['config', '--image', image, '--config.cmd=/bin/sh', '--config.cmd=-c', '--config.cmd=echo hello from sysbuild', '--os', 'linux', '--architecture', 'amd64'])
  run('umoci', ['gc', '--layout', layout])
  return {layout, tag, digest: layoutDigest(layout, tag)}
}

/** The manifest digest index.json names for `tag`. */
export function layoutDigest(layout: string, tag: string): string {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: {digest: string; annotations?: Record<string, string>}[]}
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)
  if (!entry) throw new Error(`no ${tag} in ${layout}`)
  return entry.digest
}

export interface TestIndex {
  readonly layout: string
  /** The tag of the index in the layout. */
  readonly tag: string
  readonly digest: string
  readonly mediaType: string
  /** The two children: linux/amd64, and linux/arm64 with variant v8 (as docker writes it). */
  readonly amd64: {readonly digest: string; readonly size: number; readonly mediaType: string}
  readonly arm64: {readonly digest: string; readonly size: number; readonly mediaType: string}
}

/** Two umoci-built images (amd64 and arm64) in one layout, and an image index over them written by hand (tag `multi`). */
export function buildTestIndex(dir: string): TestIndex {
  buildTestImage(dir, {tag: 'amd64', marker: 'amd'})
  buildTestImage(dir, {tag: 'arm64', marker: 'arm'})
  const layout = join(dir, 'oci')
  run('umoci', ['config', '--image', `${layout}:arm64`, '--architecture', 'arm64'])
  const idx = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: {digest: string; size: number; mediaType: string; annotations?: Record<string, string>}[]}
  const byTag = (t: string) => {
    const m = idx.manifests.find((x) => x.annotations?.['org.opencontainers.image.ref.name'] === t)!
    return {mediaType: m.mediaType, digest: m.digest, size: m.size}
  }
  const amd64 = byTag('amd64')
  const arm64 = byTag('arm64')
  const mediaType = 'application/vnd.oci.image.index.v1+json'
  const index = {schemaVersion: 2, mediaType, manifests: [
    {...amd64, platform: {architecture: 'amd64', os: 'linux'}},
    {...arm64, platform: {architecture: 'arm64', os: 'linux', variant: 'v8'}},
  ]}
  const bytes = Buffer.from(JSON.stringify(index))
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  writeFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)), bytes)
  idx.manifests.push({mediaType, digest, size: bytes.length, annotations: {'org.opencontainers.image.ref.name': 'multi'}})
  writeFileSync(join(layout, 'index.json'), JSON.stringify(idx))
  return {layout, tag: 'multi', digest, mediaType, amd64, arm64}
}

function safeExists(p: string): boolean {
  try {
    readFileSync(p)
    return true
  } catch {
    return false
  }
}

/** Run a tool without blocking the event loop (a token server in this process must stay able to answer). */
export function runAsync(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], {stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (status) => {
      if (status === 0) resolve(Buffer.concat(out).toString('utf8'))
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${status}): ${Buffer.concat(err).toString('utf8')}`))
    })
  })
}

/** `skopeo inspect` of a registry image (the independent oracle for what a registry holds). */
export async function skopeoInspect(ref: string, extra: readonly string[] = []): Promise<{Digest: string; Layers: string[]; Architecture?: string}> {
  return JSON.parse(await runAsync('skopeo', ['inspect', '--tls-verify=false', ...extra, `docker://${ref}`])) as {Digest: string; Layers: string[]; Architecture?: string}
}

/** The raw manifest bytes `skopeo inspect --raw` fetches. */
export const skopeoRawManifest = (ref: string, extra: readonly string[] = []): Promise<string> => runAsync('skopeo', ['inspect', '--raw', '--tls-verify=false', ...extra, `docker://${ref}`])

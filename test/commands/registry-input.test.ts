/**
 * push, pull and login on bad input, with no registry needed: garbage and broken archives, a blob that does not
 * match its name, docker-archives with a wrong layer digest or several images, a transport push does not read,
 * and a dead registry (127.0.0.1:1). Each must give one clear message naming the archive (once), a stable Code:,
 * the documented exit code, no stack trace, and leave no temporary files behind. The archives are made with GNU
 * tar and gzip, the layout and the docker-archives' manifest.json by hand (not by sysbuild).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, runCli, type CliResult} from './run-cli.js'

/** oclif wraps messages with ` ›   ` continuation prefixes: undo that. */
const flat = (text: string) => text.replace(/\s*\n ›\s+/g, ' ').replace(/^ ›\s+/gm, '')
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const count = (text: string, part: string) => text.split(part).length - 1

let dir: string
let tmp: string
let env: Record<string, string>

/** A one-image OCI layout written by hand: config, one layer (a GNU tar), manifest, index. */
function handLayout(root: string): {layer: string} {
  const blobs = join(root, 'blobs', 'sha256')
  mkdirSync(blobs, {recursive: true})
  const src = join(root, '..', 'layer-src')
  mkdirSync(src, {recursive: true})
  writeFileSync(join(src, 'hello.txt'), 'hello\n'.repeat(1000))
  const layer = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--mtime=@0', '-C', src, '-cf', '-', '.'])
  const put = (b: Buffer | string) => {
    const d = sha(b)
    writeFileSync(join(blobs, d), b)
    return {digest: `sha256:${d}`, size: Buffer.byteLength(b)}
  }
  const l = put(layer)
  const config = put(JSON.stringify({architecture: 'amd64', os: 'linux', config: {}, rootfs: {type: 'layers', diff_ids: [l.digest]}}))
  const manifest = put(JSON.stringify({schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {mediaType: 'application/vnd.oci.image.config.v1+json', ...config}, layers: [{mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l}]}))
  writeFileSync(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  writeFileSync(join(root, 'index.json'), JSON.stringify({schemaVersion: 2, manifests: [{mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: {'org.opencontainers.image.ref.name': 'latest'}}]}))
  return {layer: l.digest.slice(7)}
}

const tarOf = (layout: string, out: string) => execFileSync('tar', ['-C', layout, '-cf', out, '.'])

/**
 * A docker-archive as `docker save` lays it out (manifest.json, <id>.json configs, <id>/layer.tar), one image per
 * RepoTag, each with one GNU tar layer holding `hello.txt` = `text`; `diffId` overrides the config's diff_id.
 */
function handDockerArchive(root: string, images: {tag: string; text: string; diffId?: string}[]): void {
  mkdirSync(root, {recursive: true})
  const manifest = images.map(({tag, text, diffId}, i) => {
    const src = join(root, '..', `${tag.replace(/\W/g, '_')}-src`)
    mkdirSync(src, {recursive: true})
    writeFileSync(join(src, 'hello.txt'), text)
    const layer = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--mtime=@0', '-C', src, '-cf', '-', '.'])
    mkdirSync(join(root, `layer${i}`))
    writeFileSync(join(root, `layer${i}`, 'layer.tar'), layer)
    const config = JSON.stringify({architecture: 'amd64', os: 'linux', config: {}, rootfs: {type: 'layers', diff_ids: [diffId ?? `sha256:${sha(layer)}`]}})
    writeFileSync(join(root, `${sha(config)}.json`), config)
    return {Config: `${sha(config)}.json`, RepoTags: [tag], Layers: [`layer${i}/layer.tar`]}
  })
  writeFileSync(join(root, 'manifest.json'), JSON.stringify(manifest))
}

beforeAll(() => {
  buildCli()
  dir = mkdtempSync(join(tmpdir(), 'sb-reg-input-'))
  tmp = join(dir, 'tmp')
  mkdirSync(tmp)
  // TMPDIR is where push unpacks archives: it must be empty again after every failure.
  env = {TMPDIR: tmp, SYSBUILD_ROOT: join(dir, 'root'), DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'no-auth.json')}
  const good = join(dir, 'good')
  const {layer} = handLayout(good)
  tarOf(good, join(dir, 'good.tar'))
  writeFileSync(join(dir, 'garbage.tar'), Buffer.from(Array.from({length: 5000}, (_, i) => (i * 7919 + 13) % 251)))
  writeFileSync(join(dir, 'truncated.tar.gz'), execFileSync('gzip', ['-c', join(dir, 'good.tar')]).subarray(0, 200))

  const badIndex = join(dir, 'bad-index')
  handLayout(badIndex)
  writeFileSync(join(badIndex, 'index.json'), '{"schemaVersion": 2,\n "manifests": [,]}')
  tarOf(badIndex, join(dir, 'bad-index.tar'))

  const corrupt = join(dir, 'corrupt')
  handLayout(corrupt)
  const blob = join(corrupt, 'blobs', 'sha256', layer)
  const bytes = readFileSync(blob)
  bytes[600] = bytes[600]! ^ 0xff
  writeFileSync(blob, bytes)
  tarOf(corrupt, join(dir, 'corrupt.tar'))

  handDockerArchive(join(dir, 'docker-good'), [{tag: 'sb/good:1', text: 'good\n'}])
  tarOf(join(dir, 'docker-good'), join(dir, 'docker-good.tar'))
  handDockerArchive(join(dir, 'docker-two'), [{tag: 'sb/one:1', text: 'one\n'}, {tag: 'sb/two:2', text: 'two\n'}])
  tarOf(join(dir, 'docker-two'), join(dir, 'docker-two.tar'))
  handDockerArchive(join(dir, 'docker-bad-diff'), [{tag: 'sb/bad:1', text: 'bad\n', diffId: `sha256:${sha('something else')}`}])
  tarOf(join(dir, 'docker-bad-diff'), join(dir, 'docker-bad-diff.tar'))
  // manifest.json entries that are no images: a null, and RepoTags that is a string.
  for (const [name, manifest] of [['docker-null', '[null]'], ['docker-tags', '[{"Config": "c.json", "RepoTags": "sb/x:1", "Layers": []}]']] as const) {
    handDockerArchive(join(dir, name), [{tag: 'sb/x:1', text: 'x\n'}])
    writeFileSync(join(dir, name, 'manifest.json'), manifest)
    tarOf(join(dir, name), join(dir, `${name}.tar`))
  }
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function expectRefusal(r: CliResult, exit: number, code: string): string {
  expect({status: r.status, stderr: r.status === exit ? '' : r.stderr}).toEqual({status: exit, stderr: ''})
  expect(r.stdout).toBe('')
  expect(r.stderr).toContain(`Code: ${code}`)
  expect(hasStackTrace(r.stderr)).toBe(false)
  expect(readdirSync(tmp)).toEqual([])
  return flat(r.stderr)
}

describe('push: bad archives and layouts', () => {
  it('garbage bytes as an oci-archive: exit 1, INVALID_ARCHIVE, the archive named once', () => {
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/garbage.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE')
    expect(text).toContain(`oci-archive:${dir}/garbage.tar is not a readable tar archive`)
    expect(count(text, `${dir}/garbage.tar`)).toBe(1)
  })

  it('a truncated gzip: exit 1, INVALID_ARCHIVE', () => {
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/truncated.tar.gz`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE')
    expect(count(text, `${dir}/truncated.tar.gz`)).toBe(1)
  })

  it('a missing archive: exit 1, FILE_NOT_FOUND naming it', () => {
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/missing.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_CORE_FILE_NOT_FOUND')
    expect(count(text, `${dir}/missing.tar`)).toBe(1)
  })

  it('malformed index.json: the line and column inside the archive', () => {
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/bad-index.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE')
    expect(text).toMatch(new RegExp(`oci-archive:${dir}/bad-index\\.tar:index\\.json:2:\\d+: `))
  })

  it('a blob that does not match its name: DIGEST_MISMATCH naming the archive and the member', () => {
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/corrupt.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_DIGEST_MISMATCH')
    // (oclif may wrap inside the 64 hex digits: compare without white space)
    expect(text.replace(/\s+/g, '')).toMatch(new RegExp(`oci-archive:${dir}/corrupt\\.tar:blobs/sha256/[a-f0-9]{64}doesnotmatchitsname`))
  })

  it('a transport push does not read (docker://, a registry): a usage error, exit 2, not "image not found"', () => {
    const text = expectRefusal(runCli(['push', 'docker://127.0.0.1:1/a/b:1', '127.0.0.1:1/x/y:1'], {env}), 2, 'SYSBUILD_IMAGE_INVALID_REFERENCE')
    expect(text).toContain('push reads the local store, oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG] and docker-daemon:NAME[:TAG]')
  })

  it('garbage bytes as a docker-archive: exit 1, INVALID_ARCHIVE, the archive named once', () => {
    const text = expectRefusal(runCli(['push', `docker-archive:${dir}/garbage.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE')
    expect(text).toContain(`docker-archive:${dir}/garbage.tar is not a readable tar archive`)
    expect(count(text, `${dir}/garbage.tar`)).toBe(1)
  })

  it('an oci-archive given as a docker-archive: exit 1, INVALID_ARCHIVE, no manifest.json', () => {
    const text = expectRefusal(runCli(['push', `docker-archive:${dir}/good.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE')
    expect(text).toContain(`docker-archive:${dir}/good.tar is not a docker-archive (it has no manifest.json)`)
  })

  it('a missing docker-archive: exit 1, FILE_NOT_FOUND naming it', () => {
    const text = expectRefusal(runCli(['push', `docker-archive:${dir}/missing.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_CORE_FILE_NOT_FOUND')
    expect(count(text, `${dir}/missing.tar`)).toBe(1)
  })

  it("a docker-archive layer that does not match the config's diff_id: exit 1, DIGEST_MISMATCH naming the layer", () => {
    const text = expectRefusal(runCli(['push', `docker-archive:${dir}/docker-bad-diff.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_DIGEST_MISMATCH')
    expect(text.replace(/\s+/g, '')).toContain(`docker-archive:${dir}/docker-bad-diff.tar:layerlayer0/layer.tarhashesto`.replace(/\s+/g, ''))
    expect(text.replace(/\s+/g, '')).toContain(`rootfs.diff_ids[0]issha256:${sha('something else')}`)
  })

  it('manifest.json entries that are no images (null, RepoTags as a string): exit 1, INVALID_ARCHIVE naming the entry', () => {
    for (const name of ['docker-null', 'docker-tags']) {
      const text = expectRefusal(runCli(['push', `docker-archive:${dir}/${name}.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE')
      expect(text).toContain(`docker-archive:${dir}/${name}.tar:manifest.json: entry 0 is not an image`)
    }
  })

  it('a docker-archive of two images without :NAME:TAG: a usage error, exit 2, listing the RepoTags', () => {
    const text = expectRefusal(runCli(['push', `docker-archive:${dir}/docker-two.tar`, '127.0.0.1:1/x/y:1'], {env}), 2, 'SYSBUILD_IMAGE_INVALID_REFERENCE')
    expect(text).toContain(`docker-archive:${dir}/docker-two.tar holds 2 images; append :NAME:TAG to pick one (RepoTags: sb/one:1, sb/two:2)`)
  })

  it('a RepoTag the docker-archive lacks: exit 1, NOT_FOUND, the RepoTags listed', () => {
    const text = expectRefusal(runCli(['push', `docker-archive:${dir}/docker-two.tar:sb/three:3`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_IMAGE_NOT_FOUND')
    expect(text).toContain('no image tagged "sb/three:3"')
    expect(text).toContain('RepoTags in the archive: sb/one:1, sb/two:2')
  })

  it('--json: the error as data on stdout, same exit code', () => {
    const r = runCli(['push', `oci-archive:${dir}/garbage.tar`, '127.0.0.1:1/x/y:1', '--json'], {env})
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).error).toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_ARCHIVE', message: expect.stringContaining('garbage.tar')})
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false)
  })
})

describe('a dead registry (127.0.0.1:1)', () => {
  it('push of a good archive: exit 1, UNREACHABLE, and the unpacked archive is removed', () => {
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/good.tar`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_REGISTRY_UNREACHABLE')
    expect(text).toContain('cannot reach registry 127.0.0.1:1')
  })

  it('push of a gzipped good archive (gzip -c): unpacked, then exit 1, UNREACHABLE', () => {
    writeFileSync(join(dir, 'good.tar.gz'), execFileSync('gzip', ['-c', join(dir, 'good.tar')]))
    const text = expectRefusal(runCli(['push', `oci-archive:${dir}/good.tar.gz`, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_REGISTRY_UNREACHABLE')
    expect(text).toContain('cannot reach registry 127.0.0.1:1')
  })

  it('push of a good docker-archive (one image picked by RepoTag): converted, then exit 1, UNREACHABLE, the temporary layout removed', () => {
    for (const spec of [`docker-archive:${dir}/docker-good.tar`, `docker-archive:${dir}/docker-two.tar:sb/two:2`, `docker-archive:${dir}/docker-two.tar:docker.io/sb/one:1`]) {
      const text = expectRefusal(runCli(['push', spec, '127.0.0.1:1/x/y:1'], {env}), 1, 'SYSBUILD_REGISTRY_UNREACHABLE')
      expect(text).toContain('cannot reach registry 127.0.0.1:1')
    }
  })

  it('push docker-daemon: with no daemon at DOCKER_HOST: exit 5, EXTERNAL_FAILED, nothing left in TMPDIR', () => {
    const r = runCli(['push', 'docker-daemon:sb/app:1', '127.0.0.1:1/x/y:1'], {env: {...env, DOCKER_HOST: `unix://${dir}/no-docker.sock`}})
    const text = expectRefusal(r, 5, 'SYSBUILD_CORE_EXTERNAL_FAILED')
    expect(text).toContain('docker-daemon:sb/app:1: cannot reach the Docker daemon')
  })

  it('pull: exit 1, UNREACHABLE, and no store is created', () => {
    const root = join(dir, 'pull-root')
    const text = expectRefusal(runCli(['pull', '127.0.0.1:1/x/y:1', '--root', root], {env}), 1, 'SYSBUILD_REGISTRY_UNREACHABLE')
    expect(text).toContain('cannot reach registry 127.0.0.1:1')
    expect(existsSync(root)).toBe(false)
  })

  it('login: exit 1, UNREACHABLE, nothing stored, the password never shown', () => {
    const r = runCli(['login', '127.0.0.1:1', '-u', 'alice', '-p', 'hunter2-secret'], {env})
    expectRefusal(r, 1, 'SYSBUILD_REGISTRY_UNREACHABLE')
    expect(r.stderr).not.toContain('hunter2-secret')
    expect(existsSync(join(dir, 'docker', 'config.json'))).toBe(false)
  })
})

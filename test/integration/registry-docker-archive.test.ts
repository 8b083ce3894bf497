/**
 * `sysbuild push docker-archive:FILE[:NAME:TAG] REF` against the real CNCF registry (Debian docker-registry on
 * 127.0.0.1). The archives are made by tools we did not write: umoci builds the image, skopeo writes the
 * docker-archive, GNU tar and gzip re-pack it (gzip layers, two images in one archive, a corrupted layer). The
 * pushed image is read back with skopeo (inspect --raw, copy to oci:) and umoci unpack, and compared with the
 * archive's own layers extracted by GNU tar: same file tree (find + sha256sum), every pulled blob's sha256sum
 * equal to its name, config bytes unchanged, the layers' media types right for their bytes.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createHash} from 'node:crypto'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace} from '../commands/run-cli.js'
import {runCliAsync} from '../kit/registry-cli.js'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {buildTestImage, run, runAsync, skopeoRawManifest, type TestImage} from '../kit/registry-image.js'
import {toolSkipReason} from '../kit/tools.js'
import {pulledImageTree, treeListing, untar, untarLayer} from '../kit/image-tree.js'

const skip = registrySkipReason() ?? toolSkipReason('skopeo', 'umoci', 'tar', 'gzip', 'sha256sum', 'find', '/bin/busybox')
if (skip) console.warn(`docker-archive push tests skipped: ${skip}`)

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
const OCI_TAR = 'application/vnd.oci.image.layer.v1.tar'
const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'

interface RawManifest {
  mediaType: string
  config: {mediaType: string; digest: string; size: number}
  layers: {mediaType: string; digest: string; size: number}[]
}
interface DockerEntry {
  Config: string
  RepoTags: string[]
  Layers: string[]
}

describe.skipIf(skip)('push docker-archive: to the CNCF registry', () => {
  let dir: string
  let tmp: string
  let env: Record<string, string>
  let reg: TestRegistry
  let img: TestImage
  /** The skopeo-made archive, extracted by GNU tar. */
  let unpacked: string
  let entry: DockerEntry
  /** The image's file tree as the archive's layers give it (extracted in order by GNU tar). */
  let archiveTree: string[]

  beforeAll(async () => {
    buildCli()
    dir = mkdtempSync(join(tmpdir(), 'sb-push-docker-'))
    tmp = join(dir, 'tmp')
    mkdirSync(tmp)
    // TMPDIR is where push converts the archive: it must be empty after every push, good or bad.
    env = {TMPDIR: tmp, SYSBUILD_ROOT: join(dir, 'root'), DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'no-auth.json')}
    // 6 MiB of random bytes: a layer above the 4 MiB the archive reader keeps in memory (it streams into the layout).
    img = buildTestImage(join(dir, 'img'), {randomBytes: 6 << 20, marker: 'docker-archive'})
    run('skopeo', ['copy', `oci:${img.layout}:latest`, `docker-archive:${join(dir, 'app.tar')}:sb/app:1`])
    unpacked = join(dir, 'app-unpacked')
    untar(join(dir, 'app.tar'), unpacked)
    const entries = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as DockerEntry[]
    expect(entries).toHaveLength(1)
    entry = entries[0]!
    expect(entry.Layers.length).toBe(2)
    const tree = join(dir, 'archive-tree')
    mkdirSync(tree)
    for (const l of entry.Layers) untarLayer(join(unpacked, l), tree)
    archiveTree = treeListing(tree)
    reg = await startRegistry()
  })
  afterAll(async () => {
    await reg?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const push = async (image: string, ref: string) => {
    const r = await runCliAsync(['push', image, ref], {env})
    expect(readdirSync(tmp)).toEqual([])
    expect(hasStackTrace(r.stderr)).toBe(false)
    return r
  }

  const pulledTree = (ref: string, name: string) => pulledImageTree(ref, dir, name)

  it('pushes a skopeo-made docker-archive: a new OCI manifest over its config and layers as they are, the same file tree', async () => {
    const ref = `${reg.host}/sb/app:1`
    const r = await push(`docker-archive:${join(dir, 'app.tar')}`, ref)
    expect({status: r.status, stderr: r.status === 0 ? '' : r.stderr}).toEqual({status: 0, stderr: ''})
    const digest = r.stdout.trim()
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/)
    const raw = await skopeoRawManifest(ref)
    expect(`sha256:${sha(raw)}`).toBe(digest)
    const m = JSON.parse(raw) as RawManifest
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
    // the config bytes of the archive, untouched (sha256sum of the archive member)
    const configBytes = readFileSync(join(unpacked, entry.Config))
    expect(m.config).toEqual({mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(configBytes)}`, size: configBytes.length})
    // the layer files of the archive, in order, uncompressed as skopeo wrote them
    expect(m.layers).toEqual(entry.Layers.map((l) => {
      const b = readFileSync(join(unpacked, l))
      return {mediaType: OCI_TAR, digest: `sha256:${sha(b)}`, size: b.length}
    }))
    const config = JSON.parse(await runAsync('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${ref}`])) as {rootfs: {diff_ids: string[]}}
    expect(config.rootfs.diff_ids).toEqual(m.layers.map((l) => l.digest))
    expect(pulledTree(ref, 'plain')).toEqual(archiveTree)
    expect(archiveTree.some((l) => l.startsWith('data/random.bin|f|'))).toBe(true)
  })

  it('pushes a docker-archive with gzip layers (re-packed by GNU tar and gzip): tar+gzip media type, bytes as they are, diff_ids unchanged', async () => {
    const gz = join(dir, 'gz')
    untar(join(dir, 'app.tar'), gz)
    const layers = entry.Layers.map((l, i) => {
      const name = `layer${i}.tar.gz`
      writeFileSync(join(gz, name), execFileSync('gzip', ['-n', '-c', join(gz, l)], {maxBuffer: 64 << 20}))
      return name
    })
    writeFileSync(join(gz, 'manifest.json'), JSON.stringify([{...entry, Layers: layers}]))
    execFileSync('tar', ['-C', gz, '-cf', join(dir, 'app-gz.tar'), 'manifest.json', entry.Config, ...layers])
    const ref = `${reg.host}/sb/app-gz:1`
    const r = await push(`docker-archive:${join(dir, 'app-gz.tar')}`, ref)
    expect({status: r.status, stderr: r.status === 0 ? '' : r.stderr}).toEqual({status: 0, stderr: ''})
    const m = JSON.parse(await skopeoRawManifest(ref)) as RawManifest
    expect(`sha256:${sha(await skopeoRawManifest(ref))}`).toBe(r.stdout.trim())
    expect(m.layers).toEqual(layers.map((l) => {
      const b = readFileSync(join(gz, l))
      return {mediaType: OCI_GZIP, digest: `sha256:${sha(b)}`, size: b.length}
    }))
    expect(m.config.digest).toBe(`sha256:${sha(readFileSync(join(unpacked, entry.Config)))}`)
    expect(pulledTree(ref, 'gz')).toEqual(archiveTree)
  })

  it('two images in one archive: :NAME:TAG picks by RepoTag (same digest as the one-image archive); without it exit 2 lists the RepoTags', async () => {
    const two = buildTestImage(join(dir, 'img2'), {marker: 'second'})
    run('skopeo', ['copy', `oci:${two.layout}:latest`, `docker-archive:${join(dir, 'two.tar')}:sb/two:2`])
    const both = join(dir, 'both')
    untar(join(dir, 'app.tar'), both)
    untar(join(dir, 'two.tar'), join(dir, 'two-unpacked'))
    const second = (JSON.parse(readFileSync(join(dir, 'two-unpacked', 'manifest.json'), 'utf8')) as DockerEntry[])[0]!
    untar(join(dir, 'two.tar'), both) // files are named by digest: the second archive's members add to the first's
    writeFileSync(join(both, 'manifest.json'), JSON.stringify([entry, second]))
    execFileSync('tar', ['-C', both, '-cf', join(dir, 'both.tar'), '.'])

    const one = await push(`docker-archive:${join(dir, 'app.tar')}`, `${reg.host}/sb/again:1`)
    const picked = await push(`docker-archive:${join(dir, 'both.tar')}:sb/app:1`, `${reg.host}/sb/picked-app:1`)
    expect(picked.status).toBe(0)
    expect(picked.stdout).toBe(one.stdout)
    const r = await push(`docker-archive:${join(dir, 'both.tar')}:docker.io/sb/two:2`, `${reg.host}/sb/picked-two:2`)
    expect(r.status).toBe(0)
    const m = JSON.parse(await skopeoRawManifest(`${reg.host}/sb/picked-two:2`)) as RawManifest
    expect(m.config.digest).toBe(`sha256:${sha(readFileSync(join(dir, 'two-unpacked', second.Config)))}`)
    expect(m.layers.map((l) => l.digest)).toEqual(second.Layers.map((l) => `sha256:${sha(readFileSync(join(dir, 'two-unpacked', l)))}`))

    const mark = reg.mark()
    const none = await push(`docker-archive:${join(dir, 'both.tar')}`, `${reg.host}/sb/which:1`)
    expect(none.status).toBe(2)
    expect(none.stdout).toBe('')
    expect(none.stderr).toContain('Code: SYSBUILD_IMAGE_INVALID_REFERENCE')
    expect(none.stderr.replace(/\s*\n ›\s+/g, ' ')).toContain('holds 2 images; append :NAME:TAG to pick one (RepoTags: docker.io/sb/app:1, docker.io/sb/two:2)')
    expect(reg.accessLog().slice(mark)).toEqual([])
  })

  it('a layer whose bytes no longer match the config (one byte flipped, re-packed by GNU tar): exit 1, DIGEST_MISMATCH, nothing pushed', async () => {
    const bad = join(dir, 'bad')
    untar(join(dir, 'app.tar'), bad)
    const layer = join(bad, entry.Layers[1]!)
    const bytes = readFileSync(layer)
    bytes[bytes.length >> 1] ^= 0xff
    writeFileSync(layer, bytes)
    execFileSync('tar', ['-C', bad, '-cf', join(dir, 'bad.tar'), '.'])
    const mark = reg.mark()
    const r = await push(`docker-archive:${join(dir, 'bad.tar')}`, `${reg.host}/sb/bad:1`)
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Code: SYSBUILD_IMAGE_DIGEST_MISMATCH')
    const text = r.stderr.replace(/\s*\n ›\s+/g, ' ').replace(/\s+/g, '')
    expect(text).toContain(`docker-archive:${join(dir, 'bad.tar')}:layer${entry.Layers[1]}hashesto`)
    expect(text).toContain(`buttheconfig'srootfs.diff_ids[1]is${JSON.parse(readFileSync(join(unpacked, entry.Config), 'utf8')).rootfs.diff_ids[1]}`)
    expect(reg.accessLog().slice(mark)).toEqual([])
  })
})

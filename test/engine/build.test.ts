import {describe, it, expect} from 'vitest'
import {cp, mkdir, readdir, readFile, writeFile, utimes, rm} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {buildImage, imageStoreDir, type BuildResult} from '../../src/engine/index.js'
import {openLayout, type ImageConfig, type ImageManifest} from '../../src/image/index.js'
import {needTool, sh, sha256sum, withTempDir, findListing} from '../image/kit.js'

const EXAMPLE = resolve(import.meta.dirname, '../../examples/hello-world')
const EPOCH = 1_700_000_000
const quiet = {lint: true}

async function copyExample(to: string): Promise<string> {
  await cp(EXAMPLE, to, {recursive: true})
  await mkdir(join(to, 'exports', 'hostfs'), {recursive: true})
  return to
}

async function blobsOf(root: string): Promise<string[]> {
  return (await readdir(join(imageStoreDir({root}), 'blobs', 'sha256')).catch(() => [])).sort()
}

describe('sysbuild build (library)', () => {
  it('builds hello-world into the store; umoci, skopeo, sha256sum, gzip and GNU tar agree', async (ctx) => {
    await withTempDir(async (dir) => {
      const proj = await copyExample(join(dir, 'hello-world'))
      const root = join(dir, 'root')
      const r = await buildImage({...quiet, dir: proj, root, epoch: EPOCH, outputs: [`oci:${join(dir, 'out')}`]})
      expect(r.reference).toBe('hello-world:latest')
      expect(r.layers.map((l) => l.createdBy)).toEqual(['sysbuild build: rootfs rootfs', 'sysbuild build: copy /bin/busybox', 'sysbuild build: exports'])
      const store = join(root, 'var/lib/containers/sysbuild/images')
      // Every blob hashes to its name.
      for (const b of await blobsOf(root)) expect(sha256sum(join(store, 'blobs/sha256', b))).toBe(`sha256:${b}`)
      const layout = await openLayout(store)
      expect((await layout.resolve('hello-world:latest'))?.digest).toBe(r.digest)
      const manifest = await layout.readJson<ImageManifest>(r.digest)
      const config = await layout.readJson<ImageConfig>(manifest.config.digest)
      expect(config.created).toBe('2023-11-14T22:13:20Z')
      expect(config.history).toHaveLength(3)
      expect(config.history!.every((h) => h.created === config.created && !h.empty_layer)).toBe(true)
      expect(config.rootfs.diff_ids).toEqual(r.layers.map((l) => l.diffId))
      // system-buildah's labels: name and architecture (uname -m spelling) by default, the spec's summary.
      expect(config.config?.Labels).toEqual({'atomic.type': 'system', summary: 'Hello World system container', name: 'hello-world', architecture: sh('uname -m').trim()})
      for (const l of manifest.layers) {
        sh(`gzip -t '${join(store, 'blobs/sha256', l.digest.slice(7))}'`)
        expect(`sha256:${sh(`zcat '${join(store, 'blobs/sha256', l.digest.slice(7))}' | sha256sum`).slice(0, 64)}`).toBe(r.layers.find((x) => x.digest === l.digest)!.diffId)
      }
      // The exports layer is the last and small.
      const last = manifest.layers.at(-1)!
      expect(sh(`tar -tzf '${join(store, 'blobs/sha256', last.digest.slice(7))}'`).trim().split('\n')).toEqual([
        'exports/', 'exports/config.json.template', 'exports/hostfs/', 'exports/manifest.json', 'exports/service.template', 'exports/tmpfiles.template',
      ])
      expect(last.size).toBeLessThan(8192)
      needTool(ctx, 'skopeo', 'umoci')
      const inspect = JSON.parse(sh(`skopeo inspect 'oci:${join(dir, 'out')}:latest'`)) as {Digest: string; Labels: Record<string, string>; Layers: string[]}
      expect(inspect.Digest).toBe(r.digest)
      expect(inspect.Labels['atomic.type']).toBe('system')
      expect(inspect.Layers).toEqual(manifest.layers.map((l) => l.digest))
      sh(`umoci unpack --image '${join(dir, 'out')}:latest' '${join(dir, 'bundle')}'`)
      const rootfs = join(dir, 'bundle', 'rootfs')
      expect(sha256sum(join(rootfs, 'bin', 'busybox'))).toBe(sha256sum('/bin/busybox'))
      expect(sh(`stat -c '%a %u %g' '${join(rootfs, 'bin', 'busybox')}'`).trim()).toBe('755 0 0')
      // The rootfs layer unpacks to the project's rootfs/ (names, types, modes; owners are the host's, here root).
      const unpacked = findListing(rootfs).filter((l) => l.startsWith('usr'))
      expect(unpacked).toEqual(findListing(join(proj, 'rootfs')))
      sh(`diff -r '${join(proj, 'exports')}' '${join(rootfs, 'exports')}'`)
    })
  })

  it('is reproducible: another directory, other file times and umask give the same digest', async () => {
    await withTempDir(async (dir) => {
      const a = await copyExample(join(dir, 'a'))
      const b = await copyExample(join(dir, 'b', 'deeper'))
      const later = new Date(Date.now() + 3_600_000)
      for (const f of ['exports/manifest.json', 'rootfs/usr/bin/run.sh', 'rootfs/usr']) await utimes(join(b, f), later, later)
      const ra = await buildImage({...quiet, dir: a, root: join(dir, 'ra'), epoch: EPOCH})
      const old = process.umask(0o077)
      let rb: BuildResult
      try {
        rb = await buildImage({...quiet, dir: b, root: join(dir, 'rb'), epoch: EPOCH, compression: 'pgzip'})
      } finally {
        process.umask(old)
      }
      expect(rb.digest).toBe(ra.digest)
      // One changed file changes only the layer that holds it.
      await writeFile(join(b, 'rootfs/usr/bin/run.sh'), (await readFile(join(b, 'rootfs/usr/bin/run.sh'), 'utf8')) + '# changed\n')
      const rc = await buildImage({...quiet, dir: b, root: join(dir, 'rb'), epoch: EPOCH})
      expect(rc.digest).not.toBe(ra.digest)
      expect(rc.layers.map((l) => l.digest === ra.layers[rc.layers.indexOf(l)]!.digest)).toEqual([false, true, true])
      expect(rc.layers.map((l) => l.cached)).toEqual([false, true, true])
      // A different epoch is a different image (times are part of the content).
      const rd = await buildImage({...quiet, dir: a, root: join(dir, 'ra'), epoch: EPOCH + 1, cache: false})
      expect(rd.digest).not.toBe(ra.digest)
    })
  })

  it('editing an exports file rebuilds only the small last layer, from the cache for the others', async () => {
    await withTempDir(async (dir) => {
      const proj = await copyExample(join(dir, 'p'))
      const root = join(dir, 'root')
      const first = await buildImage({...quiet, dir: proj, root, epoch: EPOCH})
      const manifestPath = join(proj, 'exports', 'manifest.json')
      await writeFile(manifestPath, (await readFile(manifestPath, 'utf8')).replace('"World"', '"Everyone"'))
      const second = await buildImage({...quiet, dir: proj, root, epoch: EPOCH})
      expect(second.layers.map((l) => l.cached)).toEqual([true, true, false])
      expect(second.layers.slice(0, 2).map((l) => l.digest)).toEqual(first.layers.slice(0, 2).map((l) => l.digest))
      expect(second.layers[2]!.digest).not.toBe(first.layers[2]!.digest)
    })
  })

  it('refuses exports with lint errors and leaves the store as it was; --no-lint builds', async () => {
    await withTempDir(async (dir) => {
      const proj = await copyExample(join(dir, 'p'))
      const root = join(dir, 'root')
      await buildImage({...quiet, dir: proj, root, epoch: EPOCH})
      const before = await blobsOf(root)
      const index = await readFile(join(imageStoreDir({root}), 'index.json'), 'utf8')
      await writeFile(join(proj, 'exports', 'config.json.template'), '{"ociVersion": "1.0.2", "root": {"path": "rootfs"')
      await expect(buildImage({dir: proj, root, epoch: EPOCH})).rejects.toMatchObject({code: 'SYSBUILD_LINT_FOUND_ERRORS'})
      expect(await blobsOf(root)).toEqual(before)
      expect(await readFile(join(imageStoreDir({root}), 'index.json'), 'utf8')).toBe(index)
      const forced = await buildImage({dir: proj, root, epoch: EPOCH, lint: false})
      expect(forced.lint.skipped).toBe(true)
    })
  })

  it('a failing layer (missing copy source) leaves the store as it was', async () => {
    await withTempDir(async (dir) => {
      const proj = await copyExample(join(dir, 'p'))
      const root = join(dir, 'root')
      await buildImage({...quiet, dir: proj, root, epoch: EPOCH})
      const before = await blobsOf(root)
      await writeFile(join(proj, 'rootfs', 'usr', 'bin', 'new-file'), 'changes the rootfs layer')
      const spec = await readFile(join(proj, 'sysbuild.toml'), 'utf8')
      await writeFile(join(proj, 'sysbuild.toml'), spec.replace('source = "/bin/busybox"', 'source = "no-such-file"'))
      await expect(buildImage({...quiet, dir: proj, root, epoch: EPOCH})).rejects.toMatchObject({code: 'SYSBUILD_CORE_FILE_NOT_FOUND', message: expect.stringContaining('no-such-file')})
      expect(await blobsOf(root)).toEqual(before)
      expect(await readdir(join(imageStoreDir({root}), '.sysbuild-tmp'))).toEqual([])
    })
  })

  it('builds without a spec from flags; refuses bad names, specs and registry bases with typed errors', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'rootfs', 'etc'), {recursive: true})
      await writeFile(join(dir, 'rootfs', 'etc', 'motd'), 'hi\n')
      const r = await buildImage({cwd: dir, dir: dir, from: 'scratch', rootfs: ['rootfs'], exports: join(EXAMPLE, 'exports'), tag: 'example/app:1.0', root: join(dir, 'root'), epoch: EPOCH})
      expect(r.reference).toBe('example/app:1.0')
      expect(r.layers).toHaveLength(2)
      await expect(buildImage({cwd: dir, dir: dir, rootfs: ['rootfs'], root: join(dir, 'root')})).rejects.toMatchObject({code: 'SYSBUILD_USAGE_NOT_A_PROJECT'})
      await expect(buildImage({cwd: dir, dir: dir, rootfs: ['rootfs'], tag: 'Bad Name', root: join(dir, 'root')})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_INVALID_REFERENCE'})
      // A registry base goes to the registry client; this one (loopback, a closed port) cannot be reached.
      await expect(buildImage({cwd: dir, dir: dir, rootfs: ['rootfs'], tag: 'x:1', from: '127.0.0.1:1/base:1', root: join(dir, 'root')})).rejects.toMatchObject({
        code: 'SYSBUILD_REGISTRY_UNREACHABLE', message: expect.stringContaining('127.0.0.1:1'),
      })
      await writeFile(join(dir, 'sysbuild.toml'), 'name = "x"\nrootfs = "not-a-list"\n')
      await expect(buildImage({dir, root: join(dir, 'root')})).rejects.toMatchObject({code: 'SYSBUILD_EXPORTS_SCHEMA_VIOLATION'})
      await writeFile(join(dir, 'sysbuild.toml'), 'name = "x\n')
      await expect(buildImage({dir, root: join(dir, 'root')})).rejects.toMatchObject({code: 'SYSBUILD_EXPORTS_INVALID_TOML'})
      await rm(join(dir, 'sysbuild.toml'))
    })
  })
})

describe('sysbuild save (library)', () => {
  it('writes deterministic oci-archive and docker-archive files that skopeo reads', async (ctx) => {
    const {saveImage} = await import('../../src/engine/index.js')
    await withTempDir(async (dir) => {
      const proj = await copyExample(join(dir, 'p'))
      const root = join(dir, 'root')
      const built = await buildImage({dir: proj, root, epoch: EPOCH})
      const saved = await saveImage({image: 'hello-world', root, outputs: [`docker-archive:${join(dir, 'a.tar')}`, `oci-archive:${join(dir, 'b.tar')}`], epoch: EPOCH})
      expect(saved.digest).toBe(built.digest)
      await saveImage({image: 'hello-world:latest', root, outputs: [`docker-archive:${join(dir, 'a2.tar')}`], epoch: EPOCH})
      expect(sha256sum(join(dir, 'a2.tar'))).toBe(sha256sum(join(dir, 'a.tar')))
      await expect(saveImage({image: 'nope:1', root, outputs: [`oci:${join(dir, 'x')}`]})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_NOT_FOUND'})
      await expect(saveImage({image: 'hello-world', root, outputs: []})).rejects.toMatchObject({code: 'SYSBUILD_USAGE_INVALID_ARGUMENT'})
      needTool(ctx, 'skopeo')
      const fromDocker = JSON.parse(sh(`skopeo inspect 'docker-archive:${join(dir, 'a.tar')}'`)) as {Layers: string[]; RepoTags: string[]}
      // skopeo reports a docker-archive's layers by their uncompressed digests.
      expect(fromDocker.Layers).toEqual(built.layers.map((l) => l.diffId))
      const fromOci = JSON.parse(sh(`skopeo inspect 'oci-archive:${join(dir, 'b.tar')}:latest'`)) as {Digest: string}
      expect(fromOci.Digest).toBe(built.digest)
    })
  })
})

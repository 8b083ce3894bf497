import {describe, it, expect} from 'vitest'
import {mkdir, writeFile, stat, symlink, readFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {collectEntries, openLayout, sortEntries, writeLayer, type Compression} from '../../../src/image/index.js'
import {findListing, makeOddTree, needTool, sh, sha256sum, withTempDir} from '../kit.js'

const EPOCH = 1_700_000_000

async function layerOf(dir: string, src: string, compression: Compression, jobs?: number) {
  const store = await openLayout(join(dir, 'oci'), {create: true})
  const entries = await collectEntries([{source: src, destination: '/'}], {epoch: EPOCH})
  const r = await writeLayer(store, entries, {compression, jobs})
  return {...r, path: store.blobPath(r.descriptor.digest)}
}

describe('layer writer', () => {
  it('writes odd trees that GNU tar extracts to the same tree (names, types, modes, owners, links, sizes)', async () => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await makeOddTree(src)
      const layer = await layerOf(dir, src, 'none')
      expect(sha256sum(layer.path)).toBe(layer.descriptor.digest)
      expect(layer.diffId).toBe(layer.descriptor.digest)
      const out = join(dir, 'out')
      await mkdir(out)
      sh(`tar --numeric-owner -xpf '${layer.path}' -C '${out}'`)
      expect(findListing(out)).toEqual(findListing(src))
      sh(`diff -r --no-dereference '${src}/links' '${out}/links'`)
      // Hard links are link entries to the first path, not copies of the data.
      const listing = sh(`tar -tvf '${layer.path}'`)
      expect(listing.match(/ link to links\/hard-00/g)).toHaveLength(20)
      expect(listing).toContain('links/hard-00\n')
      expect(layer.tarSize).toBeLessThan(100_000) // 21 copies of the data would be > 210 kB
      expect(sh(`stat -c %h '${out}/links/original'`).trim()).toBe('21')
      // Owners are numeric with empty names; times clamped to the epoch (older ones kept).
      expect(sh(`tar --numeric-owner -tvf '${layer.path}' modes/setuid`)).toMatch(/^-rwsr-xr-x 0\/0 /)
      expect(sh(`od -An -c -j 265 -N 8 '${layer.path}'`).replace(/\s+/g, '')).toBe('\\0\\0\\0\\0\\0\\0\\0\\0')
      expect((await stat(join(out, 'modes', 'empty'))).mtimeMs / 1000).toBe(Date.parse('2001-02-03T04:05:06Z') / 1000)
      expect((await stat(join(out, 'dir with spaces', 'file name.txt'))).mtimeMs / 1000).toBe(EPOCH)
    })
  })

  it('orders entries by path, independent of creation order', async () => {
    await withTempDir(async (dir) => {
      const names = ['b', 'a-b', 'a/b', 'a/a', 'A', '.wh.zz', 'z/.wh..wh..opq', 'z/y', 'z/.wh.x']
      const build = async (root: string, order: string[]) => {
        for (const n of order) {
          await mkdir(join(root, n, '..'), {recursive: true})
          await writeFile(join(root, n), n)
        }
      }
      await build(join(dir, 'one'), names)
      await build(join(dir, 'two'), [...names].reverse())
      const a = await layerOf(join(dir, 'x'), join(dir, 'one'), 'none')
      const b = await layerOf(join(dir, 'y'), join(dir, 'two'), 'none')
      expect(b.diffId).toBe(a.diffId)
      // Component order, whiteouts first among siblings (opaque marker first of all).
      expect(sh(`tar -tf '${a.path}'`).trim().split('\n')).toEqual(['.wh.zz', 'A', 'a/', 'a/a', 'a/b', 'a-b', 'b', 'z/', 'z/.wh..wh..opq', 'z/.wh.x', 'z/y'])
    })
  })

  it('a walk of one tree at the image root, which skips the global sort, gives exactly the sorted order', async () => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await makeOddTree(src)
      for (const n of ['.wh.zz', 'z/.wh..wh..opq', 'z/.wh.x', 'z/y', 'a-b', 'a/b', 'a\u{1F600}', 'a\uFF21', 'A']) {
        await mkdir(join(src, n, '..'), {recursive: true})
        await writeFile(join(src, n), n)
      }
      const walked = await collectEntries([{source: src, destination: '/'}], {epoch: EPOCH})
      expect(walked.map((e) => e.name)).toEqual(sortEntries(walked).map((e) => e.name))
      // The same tree under another destination (sorted globally) lists the same names in the same order.
      const moved = await collectEntries([{source: src, destination: '/opt/x'}], {epoch: EPOCH})
      expect(moved.map((e) => e.name).slice(2)).toEqual(walked.map((e) => `opt/x/${e.name}`))
    })
  })

  it('refuses a file name that is not UTF-8, and keeps a real U+FFFD in a name', async () => {
    await withTempDir(async (dir) => {
      const ok = join(dir, 'ok')
      await mkdir(ok)
      await writeFile(join(ok, 'replacement \uFFFD char'), 'x')
      const entries = await collectEntries([{source: ok, destination: '/'}], {epoch: EPOCH})
      expect(entries.map((e) => e.name)).toEqual(['replacement \uFFFD char'])
      const bad = join(dir, 'bad')
      await mkdir(bad)
      // "caf\xe9": Latin-1, not UTF-8 (made by the shell, byte for byte)
      sh(`printf x > "$(printf '${bad}/caf\\351')"`)
      await writeFile(join(bad, 'also \uFFFD valid'), 'y')
      await expect(collectEntries([{source: bad, destination: '/', shown: 'rootfs'}], {epoch: EPOCH})).rejects.toMatchObject({
        code: 'SYSBUILD_IMAGE_UNSUPPORTED_FILE',
        message: expect.stringMatching(/^rootfs\/caf\uFFFD: the file name is not valid UTF-8/),
      })
    })
  })

  it('orders names beyond U+FFFF by their UTF-8 bytes, as LC_ALL=C sort does', async () => {
    await withTempDir(async (dir) => {
      // UTF-16 code units put a surrogate pair (U+1F600) before U+E000 and U+FF21; UTF-8 bytes put it after.
      const names = ['a\u{1F600}', 'a\uFF21', 'a\uE000', 'ab', 'a~', 'a\u00e9', 'a\u{10000}b', 'a\u{10000}']
      const src = join(dir, 'src')
      await mkdir(src)
      for (const n of names) await writeFile(join(src, n), n)
      const a = await layerOf(join(dir, 'x'), src, 'none')
      const expected = sh(`cd '${src}' && ls -1 | LC_ALL=C sort`).trim().split('\n')
      expect(expected).toHaveLength(names.length)
      expect(sh(`tar -tf '${a.path}'`).trim().split('\n')).toEqual(expected)
    })
  })

  it('gzip and parallel gzip: gzip -t passes, the content is the same tar, output is deterministic', async (ctx) => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await mkdir(src)
      // ~5 MiB: several 1 MiB blocks, half compressible text, half random.
      await writeFile(join(src, 'text'), 'sysbuild '.repeat(300_000))
      await writeFile(join(src, 'random'), randomBytes(2_500_000))
      const plain = await layerOf(join(dir, 'a'), src, 'none')
      for (const c of ['gzip', 'pgzip'] as const) {
        const z = await layerOf(join(dir, c), src, c)
        expect(z.diffId).toBe(plain.diffId)
        expect(z.descriptor.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip')
        expect(sha256sum(z.path)).toBe(z.descriptor.digest)
        sh(`gzip -t '${z.path}'`)
        expect(`sha256:${sh(`zcat '${z.path}' | sha256sum`).slice(0, 64)}`).toBe(plain.diffId)
        // One member: header bytes fixed (MTIME 0, OS 3 = Unix), and Python's gzip reads it in one go.
        const head = (await readFile(z.path)).subarray(0, 10)
        expect([...head.subarray(0, 8)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])
        expect(head[9]).toBe(3)
        needTool(ctx, 'python3')
        // zlib with a gzip wrapper stops after one member: everything must be in it, with nothing left over.
        const py = `import zlib,hashlib,sys; d=zlib.decompressobj(31); out=d.decompress(open(sys.argv[1],"rb").read()); assert d.eof and not d.unused_data; print(hashlib.sha256(out).hexdigest())`
        expect(`sha256:${sh(`python3 -c '${py}' '${z.path}'`).trim()}`).toBe(plain.diffId)
      }
      const p2 = await layerOf(join(dir, 'p2'), src, 'pgzip', 2)
      const p4 = await layerOf(join(dir, 'p4'), src, 'pgzip', 4)
      expect(p4.descriptor.digest).toBe(p2.descriptor.digest)
      needTool(ctx, 'pigz')
      sh(`pigz -t '${p2.path}'`)
    })
  })

  it('uncompressed layers (written from reused buffers) hold every byte: sizes around the buffer and read-ahead limits', async () => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await mkdir(join(src, 'small'), {recursive: true})
      const MiB = 1 << 20
      // Around the 1 MiB buffers and chunks, the 256 KiB read-ahead limit, and many small files between them; over
      // 32 MiB in all, so the store hashes on its worker thread.
      const sizes = [MiB - 1, MiB, MiB + 1, 3 * MiB + 7, 256 * 1024, 256 * 1024 + 1, 511, 512, 513, 0, 1, 30 * MiB + 3]
      for (const [i, n] of sizes.entries()) await writeFile(join(src, `f${String(i).padStart(2, '0')}`), randomBytes(n))
      for (let i = 0; i < 300; i++) await writeFile(join(src, 'small', `s${i}`), randomBytes(i * 37))
      const plain = await layerOf(join(dir, 'none'), src, 'none')
      expect(sha256sum(plain.path)).toBe(plain.descriptor.digest)
      // The streaming path (gzip) carries the same tar: zcat of it hashes to the uncompressed layer's digest.
      const z = await layerOf(join(dir, 'gzip'), src, 'gzip')
      expect(`sha256:${sh(`zcat '${z.path}' | sha256sum`).slice(0, 64)}`).toBe(plain.descriptor.digest)
      const out = join(dir, 'out')
      await mkdir(out)
      sh(`tar -xf '${plain.path}' -C '${out}'`)
      expect(sh(`cd '${out}' && find . -type f -exec sha256sum {} + | LC_ALL=C sort`)).toBe(sh(`cd '${src}' && find . -type f -exec sha256sum {} + | LC_ALL=C sort`))
    })
  })

  it('refuses device nodes and sockets with a clear message; turns overlay whiteouts into .wh. entries', async () => {
    await withTempDir(async (dir) => {
      const dev = join(dir, 'dev')
      await mkdir(dev)
      sh(`mknod '${dev}/null' c 1 3`)
      await expect(collectEntries([{source: dev, destination: '/', shown: 'rootfs'}], {epoch: EPOCH})).rejects.toMatchObject({
        code: 'SYSBUILD_IMAGE_UNSUPPORTED_FILE',
        message: expect.stringContaining('rootfs/null is a character device'),
      })
      const carried = await collectEntries([{source: dev, destination: '/'}], {epoch: EPOCH, devices: true})
      expect(carried[0]).toMatchObject({name: 'null', type: 'char', devmajor: 1, devminor: 3})

      const sock = join(dir, 'sock')
      await mkdir(sock)
      const server = createServer()
      await new Promise<void>((r) => server.listen(join(sock, 'control'), r))
      try {
        await expect(collectEntries([{source: sock, destination: '/'}], {epoch: EPOCH})).rejects.toMatchObject({code: 'SYSBUILD_IMAGE_UNSUPPORTED_FILE', message: expect.stringContaining('socket')})
      } finally {
        server.close()
      }

      const wh = join(dir, 'wh')
      await mkdir(join(wh, 'etc'), {recursive: true})
      sh(`mknod '${wh}/etc/removed' c 0 0`)
      await writeFile(join(wh, 'etc', 'kept'), 'x')
      const layer = await layerOf(join(dir, 'o'), wh, 'none')
      expect(sh(`tar -tvf '${layer.path}'`)).toMatch(/---------- 0\/0 +0 .* etc\/\.wh\.removed\n/)
    })
  })

  it('follows a rootfs that is itself a symlink; reports a symlink loop as the root clearly', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'real'))
      await writeFile(join(dir, 'real', 'f'), 'f')
      await symlink('real', join(dir, 'rootfs'))
      const viaLink = await layerOf(join(dir, 'a'), join(dir, 'rootfs'), 'none')
      const direct = await layerOf(join(dir, 'b'), join(dir, 'real'), 'none')
      expect(viaLink.diffId).toBe(direct.diffId)
      await symlink('loop2', join(dir, 'loop1'))
      await symlink('loop1', join(dir, 'loop2'))
      await expect(collectEntries([{source: join(dir, 'loop1'), destination: '/', shown: 'loop1'}], {epoch: EPOCH})).rejects.toMatchObject({
        code: 'SYSBUILD_IMAGE_UNSUPPORTED_FILE',
        message: expect.stringContaining('symlink loop'),
      })
      await expect(collectEntries([{source: join(dir, 'missing'), destination: '/', shown: 'missing'}], {epoch: EPOCH})).rejects.toMatchObject({code: 'SYSBUILD_CORE_FILE_NOT_FOUND'})
      // A destination from a spec may hold any TOML string; a NUL can be in no path (nor in the cache key's fields).
      await expect(collectEntries([{source: join(dir, 'loop1'), destination: '/etc/a\u0000b'}], {epoch: EPOCH})).rejects.toMatchObject({code: 'SYSBUILD_USAGE_INVALID_ARGUMENT', message: expect.stringContaining('NUL')})
    })
  })

  it('puts sources at their destination with synthesized parents, modes and owners', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'tool'), 'binary')
      await mkdir(join(dir, 'conf'))
      await writeFile(join(dir, 'conf', 'a.conf'), 'a')
      const store = await openLayout(join(dir, 'oci'), {create: true})
      const entries = await collectEntries([
        {source: join(dir, 'tool'), destination: '/usr/local/bin/tool', fileMode: 0o755, owner: {uid: 1000, gid: 300000}},
        {source: join(dir, 'conf'), destination: '/etc/app/', owner: {uid: 0, gid: 0}},
      ], {epoch: EPOCH})
      const r = await writeLayer(store, entries, {compression: 'none'})
      const listing = sh(`tar --numeric-owner -tvf '${store.blobPath(r.descriptor.digest)}'`)
      expect(listing.split('\n').map((l) => l.replace(/ +/g, ' ').split(' ').filter((_, i) => i !== 3 && i !== 4).join(' ')).filter(Boolean)).toEqual([
        'drwxr-xr-x 0/0 0 etc/',
        expect.stringMatching(/^drwx.* 0\/0 0 etc\/app\/$/),
        expect.stringMatching(/^-rw.* 0\/0 1 etc\/app\/a\.conf$/),
        'drwxr-xr-x 0/0 0 usr/',
        'drwxr-xr-x 0/0 0 usr/local/',
        'drwxr-xr-x 0/0 0 usr/local/bin/',
        '-rwxr-xr-x 1000/300000 6 usr/local/bin/tool',
      ])
    })
  })
})

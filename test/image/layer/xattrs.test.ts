/**
 * Extended attributes in layers. Oracles: Python's os.setxattr/os.getxattr (set before, read back after), GNU tar
 * (--xattrs) and umoci unpack extracting the layer, getcap reading the capability. getfattr is only the reader.
 */
import {describe, it, expect} from 'vitest'
import {mkdir, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {collectEntries, decideXattrs, layerCacheKey, makeLayer, openLayout, parseGetfattr, writeCachedLayer, writeLayer} from '../../../src/image/index.js'
import {sh, toolSkipReason, withTempDir} from '../kit.js'
import {readXattrs, setXattrs} from '../../engine/layers/xattr-kit.js'

const EPOCH = 1_700_000_000
const NO_GETFATTR = toolSkipReason('getfattr', 'getcap') ?? ''
const getfattr = NO_GETFATTR ? undefined : sh('command -v getfattr').trim()
const root = process.getuid?.() === 0
/** Why a test cannot run here ('' when it can): said when it is skipped. */
const NOT_ROOT = root ? '' : 'needs root (trusted.* overlay attributes)'
const skipUnless = (ctx: {skip(note?: string): never}, ...why: string[]): void => {
  const reason = why.filter(Boolean).join('; ')
  if (reason) ctx.skip(reason)
}

// v2 file capability (struct vfs_cap_data): revision 2 + effective, cap_net_bind_service (10) permitted.
const CAP_NET_BIND = '0100000200040000000000000000000000000000'
const BINARY = '00ff0a3d5c0d' + '00'.repeat(3) // NUL, 0xff, newline, '=', backslash, CR, NULs

/** A tree whose odd names and values are set by Python; returns what each entry should carry. */
async function makeXattrTree(src: string): Promise<Record<string, Record<string, string>>> {
  const names = ['with space', 'new\nline', 'ünïcødé 日本', 'back\\slash', 'cr\rx', '# file: fake', 'eq=sign', 'tab\there']
  await mkdir(join(src, 'dir', 'sub'), {recursive: true})
  for (const n of names) await writeFile(join(src, 'dir', n), n)
  await writeFile(join(src, 'plain'), 'no xattrs')
  await symlink('with space', join(src, 'dir', 'link'))
  const want: Record<string, Record<string, string>> = {}
  const items: [string, string, string][] = []
  const add = (rel: string, name: string, hex: string): void => {
    items.push([join(src, rel), name, hex])
    ;(want[rel] ??= {})[name] = hex
  }
  for (const [i, n] of names.entries()) add(`dir/${n}`, 'user.name', Buffer.from(`value ${i}`).toString('hex'))
  add('dir/sub', 'user.binary', BINARY)
  add('dir/sub', 'user.empty', '')
  add('dir/sub', 'user.ünï', '33')
  add('dir', 'user.a', '61')
  if (root) add('dir/with space', 'security.capability', CAP_NET_BIND)
  // A symlink's own attribute (trusted.* can be set on links, as root); its target's are not its own.
  if (root) add('dir/link', 'trusted.on-link', '6c')
  setXattrs(items)
  return want
}

const toHex = (x: Record<string, Buffer> | undefined): Record<string, string> | undefined =>
  x && Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.toString('hex')]))

describe('xattrs read by getfattr', () => {
  it('reads every xattr of odd names and binary values, and GNU tar extracts them byte-exact', async (ctx) => {
    skipUnless(ctx, NO_GETFATTR)
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      const want = await makeXattrTree(src)
      // Python's view of the tree is the oracle (and shows that no other attributes are there).
      expect(readXattrs(src)).toEqual(want)
      const entries = await collectEntries([{source: src, destination: '/'}], {epoch: EPOCH, getfattr})
      const got = Object.fromEntries(entries.filter((e) => e.xattrs).map((e) => [e.name, toHex(e.xattrs)]))
      expect(got).toEqual(want)
      // Sorted by key (determinism does not depend on getfattr's order).
      for (const e of entries) if (e.xattrs) expect(Object.keys(e.xattrs)).toEqual(Object.keys(e.xattrs).sort())
      const store = await openLayout(join(dir, 'oci'), {create: true})
      const layer = await writeLayer(store, entries, {compression: 'none'})
      const out = join(dir, 'out')
      await mkdir(out)
      sh(`tar --xattrs --xattrs-include='*' -xpf '${store.blobPath(layer.descriptor.digest)}' -C '${out}'`)
      expect(readXattrs(out)).toEqual(want)
      if (root) expect(sh(`getcap '${join(out, 'dir', 'with space')}'`)).toContain('cap_net_bind_service=ep')
    })
  })

  it('drops security.selinux; a second walk gives the same entries; an xattr change on a directory changes the cache key', async (ctx) => {
    skipUnless(ctx, NO_GETFATTR)
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await mkdir(join(src, 'etc'), {recursive: true})
      await writeFile(join(src, 'etc', 'conf'), 'x')
      const items: [string, string, string][] = [[join(src, 'etc'), 'user.k', '01']]
      if (root) items.push([join(src, 'etc', 'conf'), 'security.selinux', Buffer.from('system_u:object_r:etc_t:s0\0').toString('hex')])
      setXattrs(items)
      const walk = () => collectEntries([{source: src, destination: '/'}], {epoch: EPOCH, getfattr})
      const first = await walk()
      expect(first.find((e) => e.name === 'etc')?.xattrs).toEqual({'user.k': Buffer.from([1])})
      if (root) {
        expect(readXattrs(src)['etc/conf']).toHaveProperty(['security.selinux'])
        expect(first.find((e) => e.name === 'etc/conf')?.xattrs).toBeUndefined()
      }
      const key = (es: typeof first) => layerCacheKey({compression: 'none', level: 0, entries: es})
      expect(key(await walk())).toBe(key(first))
      // Without reading xattrs the key differs too: the entries differ.
      expect(key(await collectEntries([{source: src, destination: '/'}], {epoch: EPOCH}))).not.toBe(key(first))
      setXattrs([[join(src, 'etc'), 'user.k', '02']])
      expect(key(await walk())).not.toBe(key(first))
    })
  })

  it('the layer cache: an unchanged tree hits without running getfattr; an xattr set on a file or a directory misses and lands in the layer', async (ctx) => {
    skipUnless(ctx, NO_GETFATTR)
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await makeXattrTree(src)
      // getfattr behind a wrapper that counts its runs.
      const count = join(dir, 'runs')
      const wrapper = join(dir, 'getfattr')
      await writeFile(wrapper, `#!/bin/sh\necho run >> '${count}'\nexec '${getfattr}' "$@"\n`, {mode: 0o755})
      const runs = (): number => sh(`cat '${count}' 2>/dev/null || true`).split('\n').filter(Boolean).length
      const store = await openLayout(join(dir, 'oci'), {create: true})
      const cacheDir = join(dir, 'cache')
      await mkdir(cacheDir)
      const build = async () => {
        const made = await makeLayer(store, [{source: src, destination: '/'}], {compression: 'none', epoch: EPOCH, getfattr: wrapper, cacheDir})
        for (const k of made.cacheKeys) await writeCachedLayer(cacheDir, k, made)
        return made
      }
      const first = await build()
      expect(first.cached).toBe(false)
      expect(runs()).toBe(1)
      const again = await build()
      expect(again).toMatchObject({cached: true, descriptor: first.descriptor})
      expect(runs()).toBe(1) // no getfattr for an unchanged tree
      // An xattr on a file: its ctime moves, so the cache misses, getfattr runs, the value is in the new layer.
      setXattrs([[join(src, 'plain'), 'user.late', '6c617465']])
      const file = await build()
      expect(file.cached).toBe(false)
      expect(runs()).toBe(2)
      const out = join(dir, 'out')
      await mkdir(out)
      sh(`tar --xattrs --xattrs-include='*' -xpf '${store.blobPath(file.descriptor.digest)}' -C '${out}'`)
      expect(readXattrs(out)['plain']).toEqual({'user.late': '6c617465'})
      // The same on a directory (a directory's identity is its ctime only when xattrs are read).
      setXattrs([[join(src, 'dir', 'sub'), 'user.later', '78']])
      const sub = await build()
      expect(sub.cached).toBe(false)
      expect(sub.descriptor.digest).not.toBe(file.descriptor.digest)
      expect(runs()).toBe(3)
      expect((await build()).cached).toBe(true)
      expect(runs()).toBe(3)
      // A directory's ctime alone moves (chmod to the same mode, as umoci insert does to its source): getfattr
      // runs once, the full key still hits (same layer), and the next rebuild needs no getfattr again.
      sh(`chmod 755 '${join(src, 'dir')}' && chmod 755 '${join(src, 'dir')}'`)
      const touched = await build()
      expect(touched).toMatchObject({cached: true, descriptor: sub.descriptor})
      expect(runs()).toBe(4)
      expect((await build()).cached).toBe(true)
      expect(runs()).toBe(4)
      // An opaque mark on the source's top (no entry of its own at the image root) is seen: the root marker appears.
      setXattrs([[src, 'user.overlay.opaque', '79']])
      const opaque = await build()
      expect(opaque.cached).toBe(false)
      expect(sh(`tar -tf '${store.blobPath(opaque.descriptor.digest)}'`).split('\n')[0]).toBe('.wh..wh..opq')
    })
  })

  it('turns overlay.opaque=y directories into .wh..wh..opq markers and never carries overlay attributes', async (ctx) => {
    skipUnless(ctx, NO_GETFATTR, NOT_ROOT)
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await mkdir(join(src, 'usr', 'share', 'doc'), {recursive: true})
      await mkdir(join(src, 'var', 'cache'), {recursive: true})
      await writeFile(join(src, 'usr', 'share', 'doc', 'new'), 'new')
      setXattrs([
        [join(src, 'usr', 'share'), 'trusted.overlay.opaque', '79'],
        [join(src, 'usr', 'share'), 'user.kept', '6b'],
        [join(src, 'var', 'cache'), 'trusted.overlay.opaque', '6e'], // "n": not opaque
        [join(src, 'var'), 'trusted.overlay.origin', '00fb'],
      ])
      const entries = await collectEntries([{source: src, destination: '/'}], {epoch: EPOCH, getfattr})
      const store = await openLayout(join(dir, 'oci'), {create: true})
      const layer = await writeLayer(store, entries, {compression: 'none'})
      const tarFile = store.blobPath(layer.descriptor.digest)
      expect(sh(`tar -tf '${tarFile}'`).trim().split('\n')).toEqual([
        'usr/', 'usr/share/', 'usr/share/.wh..wh..opq', 'usr/share/doc/', 'usr/share/doc/new', 'var/', 'var/cache/',
      ])
      const verbose = sh(`tar --xattrs --xattrs-include='*' -tvvf '${tarFile}'`)
      expect(verbose).toContain('user.kept')
      expect(verbose).not.toContain('overlay')
    })
  })

  it('refuses an xattr name that a PAX record cannot hold, naming the file', async (ctx) => {
    skipUnless(ctx, NO_GETFATTR)
    await withTempDir(async (dir) => {
      const src = join(dir, 'src')
      await mkdir(src)
      await writeFile(join(src, 'f'), 'x')
      setXattrs([[join(src, 'f'), 'user.a=b', '01']])
      await expect(collectEntries([{source: src, destination: '/', shown: 'rootfs'}], {epoch: EPOCH, getfattr})).rejects.toMatchObject({
        code: 'SYSBUILD_IMAGE_UNSUPPORTED_FILE',
        message: expect.stringContaining('rootfs/f: the extended attribute name "user.a=b"'),
      })
    })
  })
})

describe('getfattr output and the xattr decision', () => {
  it('parses # file: blocks, unescaping \\ooo in names and paths (what getfattr 2.5 prints)', () => {
    const out = Buffer.concat([
      Buffer.from('# file: /r/new\\012line\nuser.k=0x76\nuser.e\\075q=0x\n\n# file: /r\nuser.top=0x01\n\n'),
      Buffer.from('# file: /r/ünï back\\134slash\nuser.b=0x00ff\n\n# file: /elsewhere\nuser.x=0x01\n\n', 'utf8'),
    ])
    const m = parseGetfattr(out, '/r')
    expect([...m.keys()]).toEqual(['new\nline', '', 'ünï back\\slash'])
    expect(m.get('new\nline')).toEqual({'user.e=q': Buffer.alloc(0), 'user.k': Buffer.from('v')})
    expect(m.get('ünï back\\slash')).toEqual({'user.b': Buffer.from([0, 255])})
  })

  it('auto without getfattr: one warning; true: SYSBUILD_CORE_EXTERNAL_MISSING; false: nothing', () => {
    expect(decideXattrs('auto', '/nonexistent')).toEqual({warning: expect.stringContaining('extended attributes')})
    expect(() => decideXattrs(true, '/nonexistent')).toThrow(expect.objectContaining({code: 'SYSBUILD_CORE_EXTERNAL_MISSING', message: expect.stringContaining('getfattr')}))
    expect(decideXattrs(false, '/nonexistent')).toEqual({})
    if (getfattr) expect(decideXattrs(true)).toEqual({getfattr})
  })
})

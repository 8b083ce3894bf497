/**
 * Deleting base paths (`remove`, whiteouts), opaque directories and xattrs through a whole build, on a base made by
 * umoci. Oracles: `umoci unpack` of the result (what is gone, what remains, modes and owners), GNU tar listings of
 * the added layer, Python's os.getxattr on the unpacked tree.
 */
import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {execFileSync} from 'node:child_process'
import {chmod, chown, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildImage, imageStoreDir, type BuildOptions} from '../../src/engine/index.js'
import {sh, toolSkipReason} from '../image/kit.js'

const EPOCH = 1_700_000_000
const root = process.getuid?.() === 0
const why = [toolSkipReason('umoci', 'getfattr', 'getcap'), !root && 'needs root (umoci unpack, owners, trusted.* xattrs)']
  .filter(Boolean).join('; ')
const py = (script: string, input: unknown): string => execFileSync('/usr/bin/python3', ['-c', script], {input: JSON.stringify(input), encoding: 'utf8'})
const setXattrs = (items: [string, string, string][]): void =>
  void py('import os,sys,json\nfor p,n,v in json.load(sys.stdin): os.setxattr(p, n, bytes.fromhex(v), follow_symlinks=False)', items)
const getXattrs = (paths: string[]): Record<string, string>[] =>
  JSON.parse(py('import os,sys,json\nprint(json.dumps([{k: os.getxattr(p,k,follow_symlinks=False).hex() for k in os.listxattr(p,follow_symlinks=False)} for p in json.load(sys.stdin)]))', paths)) as Record<string, string>[]
const exists = (p: string): Promise<boolean> => lstat(p).then(() => true, () => false)

describe('build: remove, opaque directories and xattrs on a umoci-made base', () => {
  let w: string
  beforeAll(async () => {
    if (why) return
    w = await mkdtemp(join(tmpdir(), 'sb-remove-'))
    const b = join(w, 'base-rootfs')
    for (const d of ['etc/gonedir', 'usr/bin', 'usr/share/doc/pkg', 'var/lib/old', 'var/lib/kept']) await mkdir(join(b, d), {recursive: true})
    for (const f of ['etc/passwd', 'etc/gone', 'etc/gonedir/x', 'usr/bin/tool', 'usr/share/doc/pkg/README', 'usr/share/keep', 'var/lib/old/db', 'var/lib/kept/db']) await writeFile(join(b, f), f)
    await symlink('usr/bin', join(b, 'bin'))
    // Odd metadata on the parents of a removed path: the added layer must keep them (not 0755 root:root).
    await chmod(join(b, 'var'), 0o750)
    await chown(join(b, 'var', 'lib'), 123, 456)
    await chmod(join(b, 'var', 'lib'), 0o700)
    // ... and its xattrs (umoci insert carries them into the base layer).
    setXattrs([[join(b, 'var', 'lib'), 'user.base-dir', '6b656570']])
    sh(`umoci init --layout '${w}/base' && umoci new --image '${w}/base:latest' && umoci insert --image '${w}/base:latest' '${b}' / && umoci gc --layout '${w}/base'`)

    const p = join(w, 'proj')
    await mkdir(join(p, 'rootfs', 'etc'), {recursive: true})
    await mkdir(join(p, 'rootfs', 'usr', 'share'), {recursive: true})
    await writeFile(join(p, 'rootfs', 'etc', 'motd'), 'on top\n')
    await writeFile(join(p, 'rootfs', 'usr', 'share', 'new'), 'new\n')
    await writeFile(join(p, 'rootfs', 'caps'), 'a file with a capability\n')
    setXattrs([
      [join(p, 'rootfs', 'usr', 'share'), 'trusted.overlay.opaque', '79'],
      [join(p, 'rootfs', 'caps'), 'security.capability', '0100000200040000000000000000000000000000'],
      [join(p, 'rootfs', 'caps'), 'user.bin', '00ff0a3d'],
      [join(p, 'rootfs', 'caps'), 'security.selinux', Buffer.from('system_u:object_r:bin_t:s0\0').toString('hex')],
    ])
    await writeFile(join(p, 'sysbuild.toml'), [
      'name = "removed"', `from = "oci:${w}/base:latest"`, 'rootfs = ["rootfs"]', 'xattrs = true',
      'remove = ["/etc/gone", "/etc/gonedir", "/var/lib/old", "/var/lib/old/db", "/not/in/base"]', '',
    ].join('\n'))
  })
  afterAll(async () => {
    if (w) await rm(w, {recursive: true, force: true})
  })

  const build = (extra: Partial<BuildOptions> = {}) => buildImage({dir: join(w, 'proj'), root: join(w, 'store'), epoch: EPOCH, lint: false, ...extra})

  it('umoci unpack: removed and hidden paths are gone, the rest of the base remains, parents keep their metadata, xattrs arrive', async (ctx) => {
    if (why) ctx.skip(why)
    const r = await build({outputs: [`oci:${w}/out:1`]})
    expect(r.warnings).toContain('remove /not/in/base: the base image has no such path; nothing to remove')
    expect(r.layers.map((l) => l.base)).toEqual([true, false])
    sh(`umoci unpack --image '${w}/out:1' '${w}/bundle'`)
    const fs = join(w, 'bundle', 'rootfs')
    for (const gone of ['etc/gone', 'etc/gonedir', 'var/lib/old', 'usr/share/doc', 'usr/share/keep']) expect({gone, there: await exists(join(fs, gone))}).toEqual({gone, there: false})
    for (const kept of ['etc/passwd', 'etc/motd', 'usr/bin/tool', 'var/lib/kept/db', 'usr/share/new', 'caps']) expect({kept, there: await exists(join(fs, kept))}).toEqual({kept, there: true})
    expect(await readlink(join(fs, 'bin'))).toBe('usr/bin')
    expect(sh(`stat -c '%a %u:%g' '${fs}/var' '${fs}/var/lib'`).trim().split('\n')).toEqual(['750 0:0', '700 123:456'])
    expect(getXattrs([join(fs, 'var', 'lib')])[0]).toEqual({'user.base-dir': '6b656570'})
    const [caps] = getXattrs([join(fs, 'caps')])
    expect(caps).toEqual({'security.capability': '0100000200040000000000000000000000000000', 'user.bin': '00ff0a3d'})
    expect(sh(`getcap '${fs}/caps'`)).toContain('cap_net_bind_service=ep')
    // The added layer, as GNU tar lists it: whiteouts next to the parents, the opaque marker, no overlay or SELinux xattr.
    const blob = join(imageStoreDir({root: join(w, 'store')}), 'blobs', 'sha256', r.layers[1]!.digest.slice(7))
    const names = sh(`tar -tzf '${blob}'`).trim().split('\n')
    expect(names).toEqual(expect.arrayContaining(['etc/.wh.gone', 'etc/.wh.gonedir', 'var/', 'var/lib/', 'var/lib/.wh.old', 'usr/share/.wh..wh..opq']))
    expect(names.filter((n) => n.includes('.wh.'))).toHaveLength(4)
    const verbose = sh(`tar --xattrs --xattrs-include='*' -tvvzf '${blob}'`)
    expect(verbose).toContain('security.capability')
    expect(verbose).not.toMatch(/selinux|overlay/)
  })

  it('is reproducible, and an xattr change on a directory rebuilds its layer', async (ctx) => {
    if (why) ctx.skip(why)
    const a = await build({root: join(w, 'repro')})
    const b = await build({root: join(w, 'repro')})
    expect(b.digest).toBe(a.digest)
    expect(b.layers[1]!.cached).toBe(true)
    setXattrs([[join(w, 'proj', 'rootfs', 'etc'), 'user.changed', '01']])
    try {
      const c = await build({root: join(w, 'repro')})
      expect(c.layers[1]!.cached).toBe(false)
      expect(c.digest).not.toBe(a.digest)
      expect((await build({root: join(w, 'repro'), xattrs: false})).digest).not.toBe(c.digest)
    } finally {
      py('import os,sys,json\nos.removexattr(json.load(sys.stdin), "user.changed")', join(w, 'proj', 'rootfs', 'etc'))
    }
  })

  it('refuses bad removals with a clear message and code, leaving the store as it was', async (ctx) => {
    if (why) ctx.skip(why)
    const store = join(w, 'refusals')
    await build({root: store})
    const blobs = async () => (await readdir(join(imageStoreDir({root: store}), 'blobs', 'sha256'))).sort()
    const before = await blobs()
    const cases: [string, string][] = [
      ['etc/gone', 'must be absolute'],
      ['/', 'image root cannot be removed'],
      ['/etc/../etc/gone', 'not normalised (write "/etc/gone")'],
      ['/etc//gone', 'not normalised'],
      ['/etc/gone/', 'not normalised (write "/etc/gone")'],
      ['/etc/.wh.x', 'reserved for whiteouts'],
      ['/etc/motd', 'the first layer this build adds also contains /etc/motd'],
      ['/etc', 'also contains /etc'],
      ['/bin/tool', '/bin is a symlink to usr/bin in the base image'],
    ]
    for (const [path, text] of cases) {
      await expect(build({root: store, remove: [path]}), path).rejects.toMatchObject({code: 'SYSBUILD_USAGE_INVALID_ARGUMENT', message: expect.stringContaining(text)})
    }
    await expect(build({root: store, remove: ['/bin/tool']})).rejects.toMatchObject({hint: {suggestions: ['Remove the path it leads to: /usr/bin/tool']}})
    // The same check on the spec's list, naming the file.
    await mkdir(join(w, 'bad-spec'), {recursive: true})
    await writeFile(join(w, 'bad-spec', 'sysbuild.toml'), `name = "bad"\nfrom = "oci:${w}/base:latest"\nremove = ["etc/gone"]\n`)
    await expect(buildImage({dir: join(w, 'bad-spec'), root: store, epoch: EPOCH, lint: false})).rejects.toMatchObject({
      code: 'SYSBUILD_USAGE_INVALID_ARGUMENT',
      message: `${join(w, 'bad-spec', 'sysbuild.toml')}: remove: cannot remove "etc/gone": the path must be absolute (start with /)`,
    })
    expect(await blobs()).toEqual(before)
    expect(await readdir(join(imageStoreDir({root: store}), '.sysbuild-tmp'))).toEqual([])
  })
})

/**
 * Extended attributes of layer entries (PAX SCHILY.xattr records) applied by the engine's extraction, kept by the
 * hard-link checkout and copied by the copy mode. Layers are made by GNU tar --xattrs from trees whose attributes
 * Python set (user.* with binary values, and as root a file capability from setcap and trusted.* on a symlink).
 * Oracles: Python's os.getxattr on the source and on ours, getcap, and `umoci raw unpack` of the same layers.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {copyFileSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, linkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {checkoutLayers} from '../../../src/engine/layers/checkout.js'
import {ensureLayer} from '../../../src/engine/layers/layer-cache.js'
import {toolSkipReason} from '../../kit/tools.js'
import {umociRootfs, writeLayoutOfTars} from './layer-stack.js'
import {gnuTarXattrs, isRoot, layerSource, PY, readXattrs, run, setcapHex, setXattrs, type XattrTree} from './xattr-kit.js'

const SKIP = toolSkipReason(PY, 'tar', 'setfattr', 'getfattr', 'setcap', 'getcap', 'umoci')

let w: string
beforeAll(() => {
  w = mkdtempSync(join(tmpdir(), 'sb-xattrs-'))
})
afterAll(() => rmSync(w, {recursive: true, force: true}))

/** NUL, 0xff, 0x80 (not UTF-8: tar-stream alone would turn it into U+FFFD), newline, '=', backslash, CR. */
const BINARY = '00ff800a3d5c0d00'
const ODD = ['with space', 'new\nline', 'ünïcødé 日本', 'back\\slash', 'cr\rx', 'eq=sign', 'tab\there', ' lead', 'trail ', '-dash', '# file: fake', 'oct\\101']

/** A tree with attributes on odd names, a directory, a read-only file, a hard link; as root a capability and a symlink's own. */
function xattrTree(src: string): XattrTree {
  mkdirSync(join(src, 'dir/sub'), {recursive: true})
  mkdirSync(join(src, 'bin'))
  for (const n of ODD) writeFileSync(join(src, 'dir', n), n)
  writeFileSync(join(src, 'plain'), 'no xattrs')
  writeFileSync(join(src, 'dir/ro'), 'read-only')
  symlinkSync('with space', join(src, 'dir/link'))
  const items: [string, string, string][] = ODD.map((n, i) => [join(src, 'dir', n), 'user.name', Buffer.from(`value ${i}\n`).toString('hex')])
  items.push([join(src, 'dir/sub'), 'user.binary', BINARY], [join(src, 'dir/sub'), 'user.empty', ''], [join(src, 'dir/sub'), 'user.ünï\\', '33'])
  items.push([join(src, 'dir'), 'user.a', '61'], [join(src, 'dir/ro'), 'user.ro', '01'])
  if (isRoot) items.push([join(src, 'dir/link'), 'trusted.on-link', '6c'])
  setXattrs(items)
  chmodSync(join(src, 'dir/ro'), 0o444)
  linkSync(join(src, 'dir/with space'), join(src, 'dir/hard link'))
  if (isRoot) {
    copyFileSync('/bin/true', join(src, 'bin/bind'))
    // cap_setfcap is bit 31: the value holds 0x80.
    expect(setcapHex(join(src, 'bin/bind'), 'cap_net_bind_service,cap_setfcap=ep')).toBe('0100000200040080000000000000000000000000')
  }
  return readXattrs(src)
}

const getcap = (p: string): string => run('getcap', [p]).trim().replace(/^\S+\s+/, '')

describe.skipIf(SKIP !== undefined)(`extraction applies the xattrs GNU tar --xattrs wrote${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('every attribute byte for byte (Python), the capability as getcap reads it, as umoci raw unpack gives them', async () => {
    const src = join(w, 'one/src')
    const want = xattrTree(src)
    expect(Object.keys(want)).toContain('dir/new\nline')
    expect(want['dir/sub']).toEqual({'user.binary': BINARY, 'user.empty': '', 'user.ünï\\': '33'})
    if (isRoot) expect(want['bin/bind']).toEqual({'security.capability': '0100000200040080000000000000000000000000'})
    const tar = gnuTarXattrs(src, join(w, 'one/layer.tar'))
    const layer = await ensureLayer(join(w, 'one/cache'), layerSource(tar))
    // GNU tar puts no attributes on a hard link's entry: its inode gets them from the first name.
    expect(layer.stats!.xattrs).toBe(Object.keys(want).length - 1)
    expect(readXattrs(layer.dir)).toEqual(want)
    expect(lstatSync(join(layer.dir, 'dir/ro')).mode & 0o7777).toBe(0o444)
    const gnu = join(w, 'one/gnu')
    mkdirSync(gnu)
    run('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xf', join(w, 'one/layer.tar'), '-C', gnu])
    expect(readXattrs(gnu)).toEqual(want)
    // umoci (Go's archive/tar) drops an attribute whose value is empty; everything else is the same.
    const umoci = umociRootfs(writeLayoutOfTars(join(w, 'one/oci'), 'x', [tar]), join(w, 'one/umoci'))
    const {'user.empty': empty, ...sub} = want['dir/sub']!
    expect(empty).toBe('')
    expect(readXattrs(umoci)).toEqual({...want, 'dir/sub': sub})
    // The hard-link checkout shares the cache's inodes; the copy mode sets them on its copies and directories.
    checkoutLayers([layer.dir], join(w, 'one/linked'))
    const copied = checkoutLayers([layer.dir], join(w, 'one/copied'), {copy: true})
    expect(copied.linked).toBe(0)
    expect(readXattrs(join(w, 'one/linked'))).toEqual(want)
    expect(readXattrs(join(w, 'one/copied'))).toEqual(want)
    expect(lstatSync(join(w, 'one/copied/dir/ro')).mode & 0o7777).toBe(0o444)
    if (isRoot) {
      for (const d of [layer.dir, umoci, join(w, 'one/linked'), join(w, 'one/copied')]) expect(getcap(join(d, 'bin/bind'))).toBe('cap_net_bind_service,cap_setfcap=ep')
    }
  })

  it('names with = and %, which GNU tar writes as %3D and %25: as GNU tar -x --xattrs reads them back', async () => {
    const src = join(w, 'pct/src')
    mkdirSync(src, {recursive: true})
    writeFileSync(join(src, 'f'), 'f')
    setXattrs([[join(src, 'f'), 'user.a=b', '01'], [join(src, 'f'), 'user.p%q', '02'], [join(src, 'f'), 'user.p%3Dq', '03'], [join(src, 'f'), 'user.100%', '04']])
    const tar = gnuTarXattrs(src, join(w, 'pct/layer.tar'))
    expect(tar.includes('SCHILY.xattr.user.a%3Db=')).toBe(true)
    mkdirSync(join(w, 'pct/gnu'))
    run('tar', ['--xattrs', '--xattrs-include=*', '-xf', join(w, 'pct/layer.tar'), '-C', join(w, 'pct/gnu')])
    const want = readXattrs(src)
    expect(readXattrs(join(w, 'pct/gnu'))).toEqual(want)
    expect(readXattrs((await ensureLayer(join(w, 'pct/cache'), layerSource(tar))).dir)).toEqual(want)
  })

  it('a stack: whiteouts, opaque directories, a directory declared again without attributes, a file replaced (umoci agrees)', async () => {
    const lower = join(w, 'two/lower')
    const upper = join(w, 'two/upper')
    for (const d of ['keep', 'gone', 'opaque', 'again']) mkdirSync(join(lower, d), {recursive: true})
    for (const f of ['keep/f', 'gone/f', 'opaque/old', 'again/f', 'replaced']) writeFileSync(join(lower, f), f)
    setXattrs([[join(lower, 'keep'), 'user.keep', '01'], [join(lower, 'keep/f'), 'user.f', '02'], [join(lower, 'gone/f'), 'user.gone', '03'],
      [join(lower, 'opaque'), 'user.op', '04'], [join(lower, 'opaque/old'), 'user.old', '05'], [join(lower, 'again'), 'user.lower', '06'],
      [join(lower, 'replaced'), 'user.lower', '07']])
    for (const d of ['opaque', 'again', 'gone']) mkdirSync(join(upper, d), {recursive: true})
    for (const f of ['gone/.wh.f', 'opaque/.wh..wh..opq', 'opaque/new', 'again/g', 'replaced']) writeFileSync(join(upper, f), f)
    setXattrs([[join(upper, 'opaque/new'), 'user.new', '08'], [join(upper, 'replaced'), 'user.upper', '09'], [join(upper, 'again/g'), 'user.g', '0a']])
    const tars = [gnuTarXattrs(lower, join(w, 'two/lower.tar')), gnuTarXattrs(upper, join(w, 'two/upper.tar'))]
    const expected = readXattrs(umociRootfs(writeLayoutOfTars(join(w, 'two/oci'), 'x', tars), join(w, 'two/umoci')))
    // A directory an upper layer declares again (opaque or not) has the upper entry's attributes: none here.
    expect(expected).toEqual({
      keep: {'user.keep': '01'}, 'keep/f': {'user.f': '02'}, 'opaque/new': {'user.new': '08'}, 'again/g': {'user.g': '0a'}, replaced: {'user.upper': '09'},
    })
    const dirs: string[] = []
    for (const tar of tars) dirs.push((await ensureLayer(join(w, 'two/cache'), layerSource(tar))).dir)
    checkoutLayers(dirs, join(w, 'two/linked'))
    checkoutLayers(dirs, join(w, 'two/copied'), {copy: true})
    expect(readXattrs(join(w, 'two/linked'))).toEqual(expected)
    expect(readXattrs(join(w, 'two/copied'))).toEqual(expected)
  })
})

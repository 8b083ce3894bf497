/**
 * Whiteouts across stacks of three or more layers. Every layer is archived by GNU tar from a real tree
 * (`.wh.NAME` whiteouts, `.wh..wh..opq` opaque markers, as the OCI image-spec layer rules write them) and
 * put in an OCI layout written by the test; the oracle is `umoci raw unpack` of that same layout. The two
 * rootfs trees must agree on every name, type, mode, owner, size, symlink target, file sha256 and hard-link
 * group (layer-stack.ts). Each stack is checked out three ways: hard links from the layer cache (the
 * install path), copies, and as a non-root user would (owners left out of that comparison). The layer
 * cache must come out of every checkout unchanged.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {checkoutLayers} from '../../../src/engine/layers/checkout.js'
import {layerCacheDir} from '../../../src/engine/layers/layer-cache.js'
import {resolveImage} from '../../../src/engine/image-source.js'
import {stageRootfs} from '../../../src/engine/stage-rootfs.js'
import {has, treeListing, umociRootfs, writeLayout, type LayerSpec} from './layer-stack.js'

const blockers = [process.getuid?.() === 0 ? '' : 'not root (layer owners)', has('umoci') ? '' : 'umoci not installed', has('tar') ? '' : 'GNU tar not installed'].filter(Boolean)
const title = (t: string): string => (blockers.length ? `${t} (skipped: ${blockers.join(', ')})` : t)

let w: string
beforeAll(() => {
  w = mkdtempSync(join(tmpdir(), 'sb-whiteouts-'))
})
afterAll(() => rmSync(w, {recursive: true, force: true}))

const noOwner = (rows: string[]): string[] => rows.map((r) => r.replace(/^(\S+ \S+ \S+) \d+:\d+ /, '$1 '))

/** Build the stack, unpack it with umoci and with us (three ways); returns our linked rootfs. */
async function agreeWithUmoci(tag: string, layers: LayerSpec[]): Promise<string> {
  const base = join(w, tag)
  const ref = writeLayout(base, join(base, 'oci'), tag, layers)
  const expected = treeListing(umociRootfs(ref, join(base, 'umoci')))
  const cache = join(base, 'cache')
  const image = await resolveImage(`oci-layout:${ref}`)
  expect(image.layers.length).toBe(layers.length)
  const linked = join(base, 'linked')
  const staged = await stageRootfs(image, cache, linked)
  const dirs = staged.layers.map((k) => layerCacheDir(cache, k))
  const cacheBefore = dirs.map(treeListing)
  expect(treeListing(linked)).toEqual(expected)
  checkoutLayers(dirs, join(base, 'copied'), {copy: true})
  expect(treeListing(join(base, 'copied'))).toEqual(expected)
  checkoutLayers(dirs, join(base, 'user'), {asRoot: false})
  expect(noOwner(treeListing(join(base, 'user')))).toEqual(noOwner(expected))
  expect(dirs.map(treeListing)).toEqual(cacheBefore)
  return linked
}

const ls = (dir: string): string[] => readdirSync(dir).sort()
const mode = (p: string): string => (lstatSync(p).mode & 0o7777).toString(8)
const read = (p: string): string => readFileSync(p, 'utf8')

describe.skipIf(blockers.length > 0)(title('checkoutLayers agrees with umoci raw unpack on whiteout stacks'), () => {
  it('a directory with children whited out in layer 2 and re-created in layer 3 has only its new children and metadata', async () => {
    const r = await agreeWithUmoci('recreate', [
      {build: (t) => t.dir('a', {mode: 0o750, owner: [7, 8]}).dir('a/b', {mode: 0o711}).file('a/b/f', 'f').file('a/g', 'g').dir('a/b/deep/er').file('keep', 'k')},
      {build: (t) => t.whiteout('a')},
      {build: (t) => t.dir('a', {mode: 0o700, owner: [9, 9]}).file('a/new', 'new').dir('a/b', {mode: 0o755})},
    ])
    expect(ls(join(r, 'a'))).toEqual(['b', 'new'])
    expect(ls(join(r, 'a/b'))).toEqual([])
    expect(mode(join(r, 'a'))).toBe('700')
    expect(lstatSync(join(r, 'a')).uid).toBe(9)
  })

  it('a directory whose children changed in an intermediate layer is whited out entirely', async () => {
    const r = await agreeWithUmoci('modified-then-gone', [
      {build: (t) => t.dir('d', {mode: 0o755}).dir('d/sub', {mode: 0o750}).file('d/sub/x', 'x1').file('d/y', 'y').dir('other').file('other/o', 'o')},
      {build: (t) => t.dir('d').dir('d/sub', {mode: 0o700}).file('d/sub/x', 'x2', {mode: 0o600}).file('d/sub/z', 'z').whiteout('d/y').dir('d/sub/more/deeper', {mode: 0o701})},
      {build: (t) => t.file('d/sub/more/deeper/leaf', 'leaf'), withoutDirs: true},
      {build: (t) => t.whiteout('d').file('other/p', 'p')},
    ])
    expect(existsSync(join(r, 'd'))).toBe(false)
    expect(ls(join(r, 'other'))).toEqual(['o', 'p'])
  })

  it('files of a layer without directory entries keep the lower directories\' owner and mode', async () => {
    const r = await agreeWithUmoci('implicit-parents', [
      {build: (t) => t.dir('etc', {mode: 0o751, owner: [3, 4]}).dir('etc/app', {mode: 0o700, owner: [5, 6]}).file('etc/app/old', 'old')},
      {build: (t) => t.file('etc/app/new', 'new').whiteout('etc/app/old'), withoutDirs: true},
    ])
    expect(ls(join(r, 'etc/app'))).toEqual(['new'])
    expect(mode(join(r, 'etc'))).toBe('751')
    expect(mode(join(r, 'etc/app'))).toBe('700')
    expect(lstatSync(join(r, 'etc/app')).uid).toBe(5)
  })

  it('a directory replaced by a file and a file replaced by a directory, and back again', async () => {
    const r = await agreeWithUmoci('type-changes', [
      {build: (t) => t.dir('p', {mode: 0o750}).dir('p/q').file('p/q/r', 'r').file('s', 'file s').symlink('t', 'p')},
      {build: (t) => t.file('p', 'now a file', {mode: 0o600}).dir('s', {mode: 0o700}).file('s/inside', 'i').dir('t').file('t/real', 'real')},
      {build: (t) => t.dir('p', {mode: 0o711}).file('p/again', 'again').file('s', 'file again')},
    ])
    expect(ls(join(r, 'p'))).toEqual(['again'])
    expect(read(join(r, 's'))).toBe('file again')
    expect(lstatSync(join(r, 't')).isDirectory()).toBe(true)
  })

  it('an opaque directory over a populated one hides every lower entry, then a higher layer adds back', async () => {
    const r = await agreeWithUmoci('opaque', [
      {build: (t) => t.dir('o', {mode: 0o755}).file('o/a', 'a').dir('o/sub', {mode: 0o750}).file('o/sub/b', 'b').symlink('o/ln', 'a').file('o/.hidden', 'h')},
      {build: (t) => t.dir('o', {mode: 0o750}).opaque('o').file('o/c', 'c').dir('o/sub', {mode: 0o711})},
      {build: (t) => t.file('o/a', 'a again').opaque('o/sub').file('o/sub/d', 'd')},
    ])
    expect(ls(join(r, 'o'))).toEqual(['a', 'c', 'sub'])
    expect(ls(join(r, 'o/sub'))).toEqual(['d'])
    expect(read(join(r, 'o/a'))).toBe('a again')
  })

  it('whiteouts of symlinks and hard-linked files remove that name only, never what it points at', async () => {
    const r = await agreeWithUmoci('links', [
      {build: (t) => t.file('h1', 'shared', {mode: 0o640, owner: [1, 2]}).hardlink('h2', 'h1').hardlink('dir/h3', 'h1').dir('target').file('target/x', 'x')
        .symlink('sl', 'h1').symlink('dirlink', 'target').symlink('dangling', '/nowhere')},
      {build: (t) => t.whiteout('h1').whiteout('sl').whiteout('dirlink').whiteout('dangling').file('h2', 'rewritten').hardlink('dir/h4', 'h2')},
      {build: (t) => t.whiteout('dir/h3')},
    ])
    expect(ls(r)).toEqual(['dir', 'h2', 'target'])
    expect(ls(join(r, 'target'))).toEqual(['x'])
    expect(read(join(r, 'dir/h4'))).toBe('rewritten')
  })

  it('nested whiteouts: parent and child in one layer, a child of a gone parent in the next', async () => {
    const r = await agreeWithUmoci('nested', [
      {build: (t) => t.dir('n', {mode: 0o750}).dir('n/m').file('n/m/k', 'k').file('n/j', 'j').dir('v/w/x').file('v/w/x/y', 'y')},
      {build: (t) => t.whiteout('n').dir('n', {mode: 0o700}).whiteout('n/m').whiteout('v/w/x').whiteout('v/w')},
      {build: (t) => t.whiteout('v/w/x/y').whiteout('n/j'), withoutDirs: true},
    ])
    expect(ls(join(r, 'n'))).toEqual([])
    expect(ls(join(r, 'v'))).toEqual(['w'])
    expect(ls(join(r, 'v/w'))).toEqual([])
    expect(mode(join(r, 'n'))).toBe('700')
  })

  it('whiteouts of names that never existed change nothing (and make no directories)', async () => {
    const r = await agreeWithUmoci('never', [
      {build: (t) => t.dir('x', {mode: 0o750}).file('x/real', 'r').symlink('x/ln', 'real')},
      {build: (t) => t.whiteout('ghost').dir('x', {mode: 0o750}).whiteout('x/ghost').dir('made', {mode: 0o700}).whiteout('made/ghost')},
      {build: (t) => t.whiteout('nothere/ghost').whiteout('x/real/not-a-dir').whiteout('x/ln/through'), withoutDirs: true},
    ])
    expect(ls(r)).toEqual(['made', 'x'])
    expect(ls(join(r, 'x'))).toEqual(['ln', 'real'])
    expect(readlinkSync(join(r, 'x/ln'))).toBe('real')
    expect(mode(join(r, 'x'))).toBe('750')
  })

  it('a whiteout below a symlink to a directory deletes nothing through it (umoci follows the link; we never do)', async () => {
    const base = join(w, 'through-link')
    const ref = writeLayout(base, join(base, 'oci'), 'through-link', [
      {build: (t) => t.dir('target').file('target/x', 'x').file('target/y', 'y').symlink('ln', 'target')},
      {build: (t) => t.whiteout('ln/x').whiteout('target/y'), withoutDirs: true},
    ])
    const theirs = treeListing(umociRootfs(ref, join(base, 'umoci')))
    const ours = join(base, 'ours')
    await stageRootfs(await resolveImage(`oci-layout:${ref}`), join(base, 'cache'), ours)
    // The only difference: target/x, which umoci deleted through ln.
    const x = treeListing(ours).filter((row) => / target\/x( |$)/.test(row) || row.startsWith('target/x '))
    expect(x.length).toBe(2)
    expect(theirs.some((row) => row.includes('target/x'))).toBe(false)
    expect(treeListing(ours)).toEqual([...theirs, ...x].sort())
    expect(readlinkSync(join(ours, 'ln'))).toBe('target')
    expect(ls(join(ours, 'target'))).toEqual(['x'])
  })
})

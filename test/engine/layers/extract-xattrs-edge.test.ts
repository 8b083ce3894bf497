/**
 * Extended attributes of layer entries, the edges: what is never applied, names Linux refuses, symlinks (never
 * followed), one setfattr per layer and none without attributes (a counting setfattr on PATH), a missing setfattr
 * (a clear error, nothing left in the cache), read-only entries without root, and the cache format bump. Layers are
 * written entry by entry with tar-stream's PAX records (hand-made layers cannot come from GNU tar); attributes are
 * read back by Python.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {tarOf, type HandEntry} from './hand-tar.js'
import {checkoutLayers} from '../../../src/engine/layers/checkout.js'
import {extractLayer, streamOf} from '../../../src/engine/layers/extract-layer.js'
import {ensureLayer, layerCacheDir} from '../../../src/engine/layers/layer-cache.js'
import {toolSkipReason} from '../../kit/tools.js'
import {isRoot, layerSource, PY, run, xattrsOf} from './xattr-kit.js'

const SKIP = toolSkipReason(PY, 'setfattr')
const SETFATTR = SKIP ? '' : run('sh', ['-c', 'command -v setfattr']).trim()

const hex = (s: string): string => Buffer.from(s).toString('hex')
const failure = async (p: Promise<unknown>): Promise<{code?: string; message: string; hint?: {suggestions?: string[]}}> =>
  p.then(() => ({message: 'no error'}), (e: {code?: string; message: string}) => e)

let w: string
let dest: string
let outside: string
let savedPath: string | undefined
beforeEach(() => {
  w = mkdtempSync(join(tmpdir(), 'sb-xattr-edge-'))
  dest = join(w, 'dest')
  outside = join(w, 'outside')
  mkdirSync(dest)
  mkdirSync(outside)
  savedPath = process.env.PATH
})
afterEach(() => {
  process.env.PATH = savedPath
  rmSync(w, {recursive: true, force: true})
})

const extract = async (entries: HandEntry[], asRoot = isRoot) => extractLayer(streamOf(await tarOf(entries)), dest, {layer: 'sha256:edge', asRoot})

/** PATH holds only a setfattr that logs each run (its arguments) and then runs the real one. */
function countingSetfattr(): () => string[] {
  const bin = join(w, 'bin')
  const log = join(w, 'setfattr.log')
  mkdirSync(bin)
  writeFileSync(join(bin, 'setfattr'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${SETFATTR}' "$@"\n`, {mode: 0o755})
  process.env.PATH = bin
  return () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [])
}

describe.skipIf(SKIP !== undefined)(`extraction: attributes at the edges${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('security.selinux, overlayfs bookkeeping and names outside Linux\'s namespaces are not applied; the entry\'s other attributes are', async () => {
    await extract([{name: 'f', xattrs: {
      'security.selinux': 'system_u:object_r:etc_t:s0', 'trusted.overlay.opaque': 'y', 'user.overlay.redirect': '/x', 'com.apple.provenance': 'mac', 'user.ok': 'yes',
    }}])
    expect(xattrsOf(join(dest, 'f'))).toEqual({'user.ok': hex('yes')})
  })

  it('names Linux does not accept fail the layer, naming it and the entry', async () => {
    for (const name of ['nonamespace', 'user.', `user.${'x'.repeat(251)}`]) {
      rmSync(dest, {recursive: true}); mkdirSync(dest)
      const e = await failure(extract([{name: 'dir/f', xattrs: {[name]: 'v'}}]))
      expect(e.code).toBe('SYSBUILD_IMAGE_INVALID_ARCHIVE')
      expect(e.message).toContain('sha256:edge')
      expect(e.message).toContain('"dir/f"')
      expect(e.message).toContain(JSON.stringify(name))
    }
  })

  it('never through a symlink: a symlink entry gets its own (as root), its target nothing; a replaced directory\'s entries nothing', async (ctx) => {
    writeFileSync(join(outside, 'f'), 'outside')
    await extract([
      {name: 'a/', type: 'directory'}, {name: 'a/f', xattrs: {'user.x': 'in a'}},
      {name: 'a', type: 'symlink', linkname: outside},
      ...(isRoot ? [{name: 'lnk', type: 'symlink' as const, linkname: join(outside, 'f'), xattrs: {'trusted.own': 'link'}}] : []),
    ])
    expect(lstatSync(join(dest, 'a')).isSymbolicLink()).toBe(true)
    expect(xattrsOf(join(outside, 'f'))).toEqual({})
    if (!isRoot) ctx.skip('a symlink\'s own attributes (trusted.*) need root')
    expect(xattrsOf(join(dest, 'lnk'))).toEqual({'trusted.own': hex('link')})
  })

  it('a layer cannot forge the record checkout reads', async () => {
    const forged = JSON.stringify({format: 1, entries: [['f', [['user.forged', '01']]]]})
    await extract([{name: '.wh..wh.sysbuild.xattrs', body: forged}, {name: 'f'}])
    expect(readdirSync(dest)).toEqual(['f'])
    checkoutLayers([dest], join(w, 'copied'), {copy: true})
    expect(xattrsOf(join(w, 'copied/f'))).toEqual({})
  })

  it('one setfattr per layer, whatever the number of entries; none for a layer without attributes or a hard-link checkout of files', async () => {
    const runs = countingSetfattr()
    const stats = await extract([{name: 'd/', type: 'directory', xattrs: {'user.d': 'd'}}, {name: 'd/f', xattrs: {'user.f': 'f'}}, {name: 'g', xattrs: {'user.g': 'g', 'user.h': 'h'}}])
    expect(stats.xattrs).toBe(3)
    expect(runs()).toEqual(['-h --restore=-'])
    expect(xattrsOf(join(dest, 'd/f'))).toEqual({'user.f': hex('f')})
    // The checkout makes its directories: d needs its attribute again (one run); files are the cache's inodes.
    checkoutLayers([dest], join(w, 'linked'))
    expect(runs().length).toBe(2)
    expect(xattrsOf(join(w, 'linked/d'))).toEqual({'user.d': hex('d')})
    const plain = join(w, 'plain')
    mkdirSync(plain)
    const none = await extractLayer(streamOf(await tarOf([{name: 'd/', type: 'directory'}, {name: 'd/f'}, {name: 'x', type: 'symlink', linkname: 'd/f'}])), plain, {layer: 'sha256:plain'})
    expect(none.xattrs).toBe(0)
    const files = join(w, 'files')
    mkdirSync(files)
    await extractLayer(streamOf(await tarOf([{name: 'd/', type: 'directory'}, {name: 'd/f', xattrs: {'user.f': 'f'}}])), files, {layer: 'sha256:files'})
    expect(runs().length).toBe(3)
    checkoutLayers([plain, files], join(w, 'linked2'))
    expect(runs().length).toBe(3)
    checkoutLayers([plain, files], join(w, 'copied2'), {copy: true})
    expect(runs().length).toBe(4)
    expect(xattrsOf(join(w, 'copied2/d/f'))).toEqual({'user.f': hex('f')})
  })

  it('without setfattr: a layer with attributes fails clearly and leaves nothing in the cache; one without extracts', async () => {
    const empty = join(w, 'empty-bin')
    mkdirSync(empty)
    process.env.PATH = empty
    const cache = join(w, 'cache')
    const layer = layerSource(await tarOf([{name: 'big', body: 'x'.repeat(100_000)}, {name: 'usr/bin/ping', xattrs: {'security.capability': 'caps'}}, {name: 'z'}]))
    const e = await failure(ensureLayer(cache, layer))
    expect(e.code).toBe('SYSBUILD_CORE_EXTERNAL_MISSING')
    expect(e.message).toContain(`layer ${layer.digest}`)
    expect(e.message).toContain('security.capability')
    expect(e.message).toContain('"usr/bin/ping"')
    expect(e.hint?.suggestions).toContain('apt-get install attr')
    expect(readdirSync(dirname(layerCacheDir(cache, layer.diffId!)))).toEqual([])
    const plain = await ensureLayer(cache, layerSource(await tarOf([{name: 'usr/bin/tool', body: 'tool'}])))
    expect(plain.hit).toBe(false)
    expect(readFileSync(join(plain.dir, 'usr/bin/tool'), 'utf8')).toBe('tool')
    expect(readdirSync(dirname(plain.dir))).toEqual([plain.dir.split('/').pop()])
    // A layer extracted earlier cannot be copied without its attributes either.
    process.env.PATH = savedPath
    const withXattrs = await ensureLayer(cache, layerSource(await tarOf([{name: 'f', xattrs: {'user.f': 'f'}}])))
    process.env.PATH = empty
    expect((await failure(Promise.resolve().then(() => checkoutLayers([withXattrs.dir], join(w, 'copied'), {copy: true})))).code).toBe('SYSBUILD_CORE_EXTERNAL_MISSING')
  })

  it('read-only entries get their attributes without root as well (owner-writable only while setfattr runs)', async () => {
    // Run as root, this shows the modes come back; the EACCES that the owner-write bit avoids happens only without root.
    await extract([{name: 'ro/', type: 'directory', mode: 0o555, xattrs: {'user.d': 'd'}}, {name: 'ro/f', mode: 0o444, xattrs: {'user.f': 'f'}}], false)
    expect(xattrsOf(join(dest, 'ro'))).toEqual({'user.d': hex('d')})
    expect(xattrsOf(join(dest, 'ro/f'))).toEqual({'user.f': hex('f')})
    expect(lstatSync(join(dest, 'ro')).mode & 0o7777).toBe(0o555)
    expect(lstatSync(join(dest, 'ro/f')).mode & 0o7777).toBe(0o444)
    checkoutLayers([dest], join(w, 'copied'), {copy: true, asRoot: false})
    expect(xattrsOf(join(w, 'copied/ro/f'))).toEqual({'user.f': hex('f')})
    expect(lstatSync(join(w, 'copied/ro')).mode & 0o7777).toBe(0o555)
    expect(lstatSync(join(w, 'copied/ro/f')).mode & 0o7777).toBe(0o444)
    chmodSync(join(dest, 'ro'), 0o755)
    chmodSync(join(w, 'copied/ro'), 0o755)
  })

  it('the cache format is v3: a layer extracted by v2 (without attributes) is extracted again', async () => {
    const cache = join(w, 'cache')
    const layer = layerSource(await tarOf([{name: 'f', xattrs: {'user.f': 'f'}}]))
    const dir = layerCacheDir(cache, layer.diffId!)
    expect(dir).toBe(join(cache, 'v3', layer.diffId!.slice(7)))
    mkdirSync(join(cache, 'v2', layer.diffId!.slice(7)), {recursive: true})
    writeFileSync(join(cache, 'v2', layer.diffId!.slice(7), 'f'), '')
    const got = await ensureLayer(cache, layer)
    expect(got.hit).toBe(false)
    expect(xattrsOf(join(got.dir, 'f'))).toEqual({'user.f': hex('f')})
  })
})

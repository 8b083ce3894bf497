import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {execFileSync} from 'node:child_process'
import {lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, symlinkSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {createHash} from 'node:crypto'
import {tarOf, type HandEntry} from './hand-tar.js'
import {extractLayer, streamOf} from '../../../src/engine/layers/extract-layer.js'
import {ensureLayer, layerCacheDir} from '../../../src/engine/layers/layer-cache.js'
import type {Digest} from '../../../src/image/index.js'

let w: string
let dest: string
let outside: string
beforeEach(() => {
  w = mkdtempSync(join(tmpdir(), 'sb-extract-'))
  dest = join(w, 'dest')
  outside = join(w, 'outside')
  mkdirSync(dest)
  mkdirSync(outside)
})
afterEach(() => rmSync(w, {recursive: true, force: true}))

const extract = async (entries: HandEntry[], asRoot = true) => extractLayer(streamOf(await tarOf(entries)), dest, {layer: 'sha256:test', asRoot})
const hostileCode = async (p: Promise<unknown>) => (await p.then(() => 'no error', (e: {code?: string}) => e.code))

describe('extractLayer: hostile archives are refused and nothing lands outside', () => {
  it('absolute paths', async () => {
    expect(await hostileCode(extract([{name: `${outside}/evil`, body: 'x'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    expect(readdirSync(outside)).toEqual([])
  })

  it('.. components, leading or inside', async () => {
    expect(await hostileCode(extract([{name: '../outside/evil', body: 'x'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    expect(await hostileCode(extract([{name: 'a/../../outside/evil', body: 'x'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    expect(readdirSync(outside)).toEqual([])
  })

  it('writing through a symlink (absolute or relative target)', async () => {
    expect(await hostileCode(extract([{name: 'link', type: 'symlink', linkname: outside}, {name: 'link/evil', body: 'x'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    rmSync(dest, {recursive: true}); mkdirSync(dest)
    expect(await hostileCode(extract([{name: 'up', type: 'symlink', linkname: '../outside'}, {name: 'up/evil', body: 'x'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    rmSync(dest, {recursive: true}); mkdirSync(dest)
    expect(await hostileCode(extract([{name: 'd/', type: 'directory'}, {name: 'd/s', type: 'symlink', linkname: '/'}, {name: 'd/s/etc/evil', body: 'x'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    expect(readdirSync(outside)).toEqual([])
  })

  it('hard links to outside files, through symlinks, to directories or to missing files', async () => {
    writeFileSync(join(outside, 'secret'), 'secret')
    expect(await hostileCode(extract([{name: 'hl', type: 'link', linkname: `${outside}/secret`}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    expect(await hostileCode(extract([{name: 'hl', type: 'link', linkname: '../outside/secret'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    rmSync(dest, {recursive: true}); mkdirSync(dest)
    expect(await hostileCode(extract([{name: 'o', type: 'symlink', linkname: outside}, {name: 'hl', type: 'link', linkname: 'o/secret'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    rmSync(dest, {recursive: true}); mkdirSync(dest)
    expect(await hostileCode(extract([{name: 'd/', type: 'directory'}, {name: 'hl', type: 'link', linkname: 'd'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    rmSync(dest, {recursive: true}); mkdirSync(dest)
    expect(await hostileCode(extract([{name: 'hl', type: 'link', linkname: 'not-there'}]))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    expect(statSync(join(outside, 'secret')).nlink).toBe(1)
    expect(readdirSync(outside)).toEqual(['secret'])
  })

  it('device nodes only as root; FIFOs always', async () => {
    expect(await hostileCode(extract([{name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666}], false))).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
    rmSync(dest, {recursive: true}); mkdirSync(dest)
    await extract([{name: 'fifo', type: 'fifo', mode: 0o600}], false)
    expect(lstatSync(join(dest, 'fifo')).isFIFO()).toBe(true)
    if (process.getuid?.() === 0) {
      await extract([{name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666}], true)
      const st = lstatSync(join(dest, 'null'))
      expect(st.isCharacterDevice()).toBe(true)
      expect(execFileSync('stat', ['-c', '%t:%T', join(dest, 'null')], {encoding: 'utf8'}).trim()).toBe('1:3')
    }
  })

  it('garbage and truncated archives give SYSBUILD_IMAGE_INVALID_ARCHIVE', async () => {
    const garbage = Buffer.alloc(1024, 0x41)
    expect(await hostileCode(extractLayer(streamOf(garbage), dest, {layer: 'x'}))).toBe('SYSBUILD_IMAGE_INVALID_ARCHIVE')
    const good = await tarOf([{name: 'f', body: 'x'.repeat(5000)}])
    expect(await hostileCode(extractLayer(streamOf(good.subarray(0, 1500)), dest, {layer: 'x'}))).toBe('SYSBUILD_IMAGE_INVALID_ARCHIVE')
  })
})

describe('extractLayer: what GNU tar wrote comes back identical (tar --compare as the oracle)', () => {
  it('files, modes, set-id bits, symlinks, hard links, empty dirs, mtimes, owners', async () => {
    const src = join(w, 'src')
    mkdirSync(join(src, 'usr/bin'), {recursive: true})
    mkdirSync(join(src, 'empty'), {mode: 0o700})
    writeFileSync(join(src, 'usr/bin/tool'), '#!/bin/sh\necho hi\n', {mode: 0o4755})
    writeFileSync(join(src, 'data'), Buffer.alloc(3 << 20, 7))
    symlinkSync('usr/bin/tool', join(src, 'rel-link'))
    symlinkSync('/does/not/exist', join(src, 'broken'))
    execFileSync('ln', [join(src, 'data'), join(src, 'data-hardlink')])
    execFileSync('chmod', ['4755', join(src, 'usr/bin/tool')])
    execFileSync('chown', ['-h', '123:456', join(src, 'rel-link')])
    execFileSync('chown', ['1000:1000', join(src, 'data')])
    const archive = join(w, 'layer.tar')
    execFileSync('tar', ['--numeric-owner', '-cf', archive, '-C', src, '.'])
    const stats = await extractLayer(streamOf(readFileSync(archive)), dest, {layer: 'gnu'})
    expect(stats.hardlinks).toBe(1)
    // GNU tar compares contents, modes, owners, mtimes, link targets; silent and rc 0 when identical.
    const cmp = execFileSync('tar', ['--numeric-owner', '-df', archive, '-C', dest], {encoding: 'utf8'})
    expect(cmp).toBe('')
    expect(readlinkSync(join(dest, 'broken'))).toBe('/does/not/exist')
    expect(lstatSync(join(dest, 'data')).ino).toBe(lstatSync(join(dest, 'data-hardlink')).ino)
  })
})

describe('extractLayer: entries replaced within one layer, directories without entries (GNU tar -x as the oracle)', () => {
  /** find listing without directory sizes (they depend on the filesystem), plus contents. */
  const listing = (dir: string, skip = ''): string =>
    execFileSync('sh', ['-c', `cd "$1" && find . -mindepth 1 ${skip} -printf '%P %y %m %U:%G %l\\n' | sort && find . -type f ${skip} -exec sha256sum {} + | sort`, 'sh', dir], {encoding: 'utf8'})

  it('a directory an appended entry turns into a file, and files whose directories the archive never names', async () => {
    const src = join(w, 'src')
    mkdirSync(join(src, 'a/sub'), {recursive: true, mode: 0o700})
    writeFileSync(join(src, 'a/sub/f'), 'f')
    mkdirSync(join(src, 'deep/er/still'), {recursive: true})
    writeFileSync(join(src, 'deep/er/still/leaf'), 'leaf')
    writeFileSync(join(src, 'deep/er/.wh..wh.sysbuild.implicit'), 'forged')
    const archive = join(w, 'layer.tar')
    execFileSync('tar', ['--numeric-owner', '-cf', archive, '-C', src, '--no-recursion', 'a', 'a/sub', 'a/sub/f', 'deep/er/still/leaf', 'deep/er/.wh..wh.sysbuild.implicit'])
    rmSync(join(src, 'a'), {recursive: true})
    writeFileSync(join(src, 'a'), 'a is a file now', {mode: 0o600})
    execFileSync('tar', ['--numeric-owner', '-rf', archive, '-C', src, 'a'])
    await extractLayer(streamOf(readFileSync(archive)), dest, {layer: 'appended'})
    const gnu = join(w, 'gnu')
    mkdirSync(gnu)
    execFileSync('tar', ['--numeric-owner', '--recursive-unlink', '-xf', archive, '-C', gnu])
    rmSync(join(gnu, 'deep/er/.wh..wh.sysbuild.implicit'))
    // Ours: the same tree, with the marker (ours, not the archive's forged one) in each directory made for a file.
    expect(listing(dest, "! -name '.wh..wh.sysbuild.implicit'")).toBe(listing(gnu))
    for (const d of ['deep', 'deep/er', 'deep/er/still']) expect(readFileSync(join(dest, d, '.wh..wh.sysbuild.implicit'), 'utf8')).toBe('')
    expect(readdirSync(join(dest, 'a/..')).sort()).toEqual(['a', 'deep'])
  })
})

describe('ensureLayer: content-addressed cache', () => {
  it('verifies the diff id, keys the dir by it, and extracts once', async () => {
    const raw = await tarOf([{name: 'hello', body: 'world'}])
    const gz = gzipSync(raw)
    const diffId = `sha256:${createHash('sha256').update(raw).digest('hex')}` as Digest
    const digest = `sha256:${createHash('sha256').update(gz).digest('hex')}` as Digest
    const cache = join(w, 'cache')
    const src = {digest, diffId, compression: 'gzip' as const, open: async () => streamOf(gz)}
    const first = await ensureLayer(cache, src)
    expect(first.hit).toBe(false)
    expect(readFileSync(join(first.dir, 'hello'), 'utf8')).toBe('world')
    expect(first.dir.endsWith(diffId.slice(7))).toBe(true)
    expect((await ensureLayer(cache, src)).hit).toBe(true)
    const wrong = {...src, diffId: `sha256:${'0'.repeat(64)}` as Digest}
    expect(await hostileCode(ensureLayer(join(w, 'cache2'), wrong))).toBe('SYSBUILD_IMAGE_DIGEST_MISMATCH')
    expect(readdirSync(dirname(layerCacheDir(join(w, 'cache2'), diffId)))).toEqual([])
    expect(await hostileCode(ensureLayer(join(w, 'cache3'), {...src, open: async () => streamOf(Buffer.from('not gzip at all'))}))).toBe('SYSBUILD_IMAGE_INVALID_ARCHIVE')
    expect(readdirSync(dirname(layerCacheDir(join(w, 'cache3'), diffId)))).toEqual([])
  })
})

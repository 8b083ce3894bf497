/**
 * Assembling a rootfs from layers: whiteouts, opaque directories, type changes, hard
 * links from the cache (no data copied) and the copy fallback. Oracle: `umoci unpack`
 * of the same multi-layer image (its own whiteout handling), compared with GNU diff and
 * a listing of types, modes and owners.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import * as tar from 'tar-stream'
import {checkoutLayers} from '../../../src/engine/layers/checkout.js'
import {extractLayer, streamOf} from '../../../src/engine/layers/extract-layer.js'
import {resolveImage} from '../../../src/engine/image-source.js'
import {stageRootfs} from '../../../src/engine/stage-rootfs.js'

const has = (t: string) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0
const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

let w: string
beforeEach(() => {
  w = mkdtempSync(join(tmpdir(), 'sb-checkout-'))
})
afterEach(() => rmSync(w, {recursive: true, force: true}))

async function layer(dir: string, entries: {name: string; type?: 'file' | 'directory' | 'symlink'; body?: string; linkname?: string}[]): Promise<string> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise((r) => pack.on('end', r))
  for (const e of entries) {
    await new Promise<void>((res, rej) => pack.entry({name: e.name, type: e.type ?? 'file', mode: e.type === 'directory' ? 0o755 : 0o644, mtime: new Date(0), linkname: e.linkname}, e.body ?? '', (err) => (err ? rej(err) : res())))
  }
  pack.finalize()
  await done
  mkdirSync(dir)
  await extractLayer(streamOf(Buffer.concat(chunks)), dir, {layer: dir})
  return dir
}

/** `find` listing of names, types, modes and owners, plus file contents, for comparing trees. */
const listing = (dir: string): string[] =>
  sh('find', [dir, '-mindepth', '1', '-printf', '%P %y %m %u:%g %l\\n']).split('\n').filter(Boolean).sort()

describe('checkoutLayers', () => {
  it('applies whiteouts, opaque markers and type changes, lowest layer first', async () => {
    const l1 = await layer(join(w, 'l1'), [
      {name: 'etc/', type: 'directory'}, {name: 'etc/keep', body: 'keep'}, {name: 'etc/gone', body: 'gone'},
      {name: 'opaque/', type: 'directory'}, {name: 'opaque/old', body: 'old'},
      {name: 'dir-to-file/', type: 'directory'}, {name: 'dir-to-file/x', body: 'x'},
      {name: 'file-to-dir', body: 'f'}, {name: 'link', type: 'symlink', linkname: 'etc/keep'},
    ])
    const l2 = await layer(join(w, 'l2'), [
      {name: 'etc/.wh.gone'}, {name: 'opaque/.wh..wh..opq'}, {name: 'opaque/new', body: 'new'},
      {name: 'dir-to-file', body: 'now a file'}, {name: 'file-to-dir/', type: 'directory'}, {name: 'file-to-dir/y', body: 'y'},
      {name: '.wh.link'},
    ])
    const root = join(w, 'root')
    const stats = checkoutLayers([l1, l2], root)
    expect(readdirSync(join(root, 'etc'))).toEqual(['keep'])
    expect(readdirSync(join(root, 'opaque'))).toEqual(['new'])
    expect(readFileSync(join(root, 'dir-to-file'), 'utf8')).toBe('now a file')
    expect(readFileSync(join(root, 'file-to-dir/y'), 'utf8')).toBe('y')
    expect(() => lstatSync(join(root, 'link'))).toThrow()
    expect(stats.whiteouts).toBe(3)
    // Files are the cache's inodes: nothing was copied.
    expect(statSync(join(root, 'etc/keep')).ino).toBe(statSync(join(l1, 'etc/keep')).ino)
    expect(stats.copied).toBe(0)
  })

  it('copies (with metadata) when asked or when linking is impossible', async () => {
    const l1 = await layer(join(w, 'l1'), [{name: 'bin/', type: 'directory'}, {name: 'bin/tool', body: '#!/bin/sh\n'}, {name: 'bin/alias', type: 'symlink', linkname: 'tool'}])
    const a = checkoutLayers([l1], join(w, 'linked'))
    const b = checkoutLayers([l1], join(w, 'copied'), {copy: true})
    expect(a.linked).toBe(2)
    expect(b.copied).toBe(2)
    expect(statSync(join(w, 'copied/bin/tool')).ino).not.toBe(statSync(join(l1, 'bin/tool')).ino)
    expect(listing(join(w, 'copied'))).toEqual(listing(join(w, 'linked')))
    sh('diff', ['-r', '--no-dereference', join(w, 'linked'), join(w, 'copied')])
  })
})

describe.skipIf(!has('umoci') || process.getuid?.() !== 0)('checkoutLayers agrees with umoci unpack on a multi-layer image', () => {
  it('deletions, replacements and a symlinked tree across three layers', async () => {
    const layout = join(w, 'oci')
    const tree = join(w, 'bundle')
    sh('umoci', ['init', '--layout', layout])
    sh('umoci', ['new', '--image', `${layout}:base`])
    sh('umoci', ['unpack', '--image', `${layout}:base`, tree])
    const r = join(tree, 'rootfs')
    mkdirSync(join(r, 'etc/app'), {recursive: true})
    writeFileSync(join(r, 'etc/app/a.conf'), 'a')
    writeFileSync(join(r, 'etc/app/b.conf'), 'b')
    mkdirSync(join(r, 'var/cache/app'), {recursive: true})
    writeFileSync(join(r, 'var/cache/app/blob'), 'x'.repeat(10000))
    symlinkSync('etc/app', join(r, 'app'))
    sh('umoci', ['repack', '--image', `${layout}:v2`, tree])
    rmSync(tree, {recursive: true})
    sh('umoci', ['unpack', '--image', `${layout}:v2`, tree])
    rmSync(join(r, 'etc/app/b.conf'))
    rmSync(join(r, 'var/cache/app'), {recursive: true})
    writeFileSync(join(r, 'var/cache/fresh'), 'fresh')
    rmSync(join(r, 'app'))
    mkdirSync(join(r, 'app'))
    writeFileSync(join(r, 'etc/app/a.conf'), 'a2')
    sh('umoci', ['repack', '--image', `${layout}:v3`, tree])
    const expected = join(w, 'expected')
    sh('umoci', ['unpack', '--image', `${layout}:v3`, expected])
    const image = await resolveImage(`oci-layout:${layout}:v3`)
    expect(image.layers.length).toBe(2)
    const ours = join(w, 'ours')
    await stageRootfs(image, join(w, 'cache'), ours)
    sh('diff', ['-r', '--no-dereference', join(expected, 'rootfs'), ours])
    expect(listing(ours)).toEqual(listing(join(expected, 'rootfs')))
  })
})

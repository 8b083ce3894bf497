/**
 * Built images as umoci (an independent OCI implementation) unpacks them and GNU tar reads them: ids above the
 * ustar limit (PAX records), and the odd tree of test/image/kit.ts (spaces, UTF-8, 200-character paths, a
 * hard-link farm, setuid/setgid/sticky bits, symlink loops, a fifo, mode 000) coming back as it went in.
 */
import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildImage} from '../../src/engine/index.js'
import {findListing, makeOddTree, sh, toolSkipReason} from '../image/kit.js'

const EPOCH = 1_700_000_000
const root = process.getuid?.() === 0

/** A blob of an OCI layout. */
const blobOf = (store: string, digest: string): string => join(store, 'blobs', 'sha256', digest.slice('sha256:'.length))

/** sha256sum of every regular file, by path, sorted (coreutils and find, not sysbuild). */
const fileHashes = (dir: string): string => sh(`cd '${dir}' && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum`)

/** GNU tar's verbose listing of a tree, archived with fixed times and sorted names (hard links show as links). */
const tarListing = (dir: string): string[] =>
  sh(`tar --sort=name --numeric-owner --mtime=@0 -C '${dir}' -cf - . | tar --numeric-owner --full-time -tvf -`)
    .trim()
    .split('\n')
    .filter((l) => !/ \.\/$/.test(l))

// umoci unpack restores owners and setuid bits only as root (rootless, it maps everything to the caller).
describe.skipIf(!root || toolSkipReason('umoci', 'tar', 'sha256sum'))('umoci unpack and GNU tar read built images', () => {
  let w: string
  beforeAll(async () => {
    w = await mkdtemp(join(tmpdir(), 'sb-unpack-'))
  })
  afterAll(async () => {
    await rm(w, {recursive: true, force: true})
  })

  it('writes uid 3000000 / gid 4000000 (over the ustar limit) as PAX records that GNU tar and umoci read', async () => {
    const proj = join(w, 'ids')
    await mkdir(join(proj, 'data', 'sub'), {recursive: true})
    await writeFile(join(proj, 'big-id.txt'), 'owned by 3000000:4000000\n')
    await writeFile(join(proj, 'data', 'sub', 'f'), 'nested\n')
    await writeFile(join(proj, 'sysbuild.toml'), [
      'name = "big-ids"',
      '[[copy]]', 'source = "big-id.txt"', 'destination = "/srv/big-id.txt"', 'owner = "3000000:4000000"',
      '[[copy]]', 'source = "data"', 'destination = "/srv/data"', 'owner = "3000001"', '',
    ].join('\n'))
    const out = join(w, 'ids-out')
    const r = await buildImage({dir: proj, root: join(w, 'ids-root'), epoch: EPOCH, outputs: [`oci:${out}:1`]})
    const copy = r.layers.find((l) => l.createdBy.startsWith('sysbuild build: copy'))!
    const blob = blobOf(out, copy.digest)
    const listing = sh(`tar --numeric-owner -tvzf '${blob}'`).trim().split('\n').map((l) => l.replace(/ +/g, ' ').split(' ').filter((_, i) => i !== 3 && i !== 4).join(' '))
    expect(listing).toEqual([
      'drwxr-xr-x 0/0 0 srv/',
      '-rw-r--r-- 3000000/4000000 25 srv/big-id.txt',
      'drwxr-xr-x 3000001/3000001 0 srv/data/',
      'drwxr-xr-x 3000001/3000001 0 srv/data/sub/',
      '-rw-r--r-- 3000001/3000001 7 srv/data/sub/f',
    ])
    // PAX records, not GNU base-256 numbers: the ustar fields hold 0 and the extended header holds the ids.
    expect(sh(`zcat '${blob}' | grep -ac 'uid=3000000'`).trim()).toBe('1')
    expect(sh(`zcat '${blob}' | grep -ac 'gid=4000000'`).trim()).toBe('1')
    expect(sh(`zcat '${blob}' | tar --numeric-owner --format=posix -tvf - srv/big-id.txt`)).toContain('3000000/4000000')
    sh(`umoci unpack --image '${out}:1' '${join(w, 'ids-bundle')}'`)
    const rootfs = join(w, 'ids-bundle', 'rootfs')
    expect(sh(`stat -c '%u %g %a' '${rootfs}/srv/big-id.txt' '${rootfs}/srv/data' '${rootfs}/srv/data/sub/f' '${rootfs}/srv'`).trim().split('\n')).toEqual([
      '3000000 4000000 644', '3000001 3000001 755', '3000001 3000001 644', '0 0 755',
    ])
  })

  it('umoci unpacks the odd tree to the input: names, types, modes, owners, link targets, file digests, shared inodes', async () => {
    const src = join(w, 'odd', 'rootfs')
    await makeOddTree(src)
    // Owners other than root, including one over the ustar limit, on a file and a directory.
    sh(`chown 1234:5678 '${src}/dir with spaces/file name.txt' && chown -h 4000000:3000000 '${src}/ünïcødé' '${src}/symlinks/relative'`)
    const out = join(w, 'odd-out')
    await buildImage({cwd: join(w, 'odd'), dir: join(w, 'odd'), rootfs: ['rootfs'], tag: 'odd:1', root: join(w, 'odd-root'), epoch: EPOCH, outputs: [`oci:${out}:odd`]})
    const bundle = join(w, 'odd-bundle')
    sh(`umoci unpack --image '${out}:odd' '${bundle}'`)
    const rootfs = join(bundle, 'rootfs')

    // find's view: path, type, mode, uid, gid, link target, size of regular files.
    expect(findListing(rootfs)).toEqual(findListing(src))
    // GNU tar's view of both trees (its own hard-link detection, sorted names, times fixed).
    const listed = tarListing(src)
    expect(listed.filter((l) => / link to \.\/links\//.test(l))).toHaveLength(20)
    expect(tarListing(rootfs)).toEqual(listed)
    expect(fileHashes(rootfs)).toBe(fileHashes(src))
    expect(fileHashes(rootfs).split('\n').filter(Boolean).length).toBeGreaterThan(25)
    // The 21 names of the hard-link farm are one inode after unpack, as before.
    const inodes = sh(`stat -c '%i %h' '${rootfs}'/links/*`).trim().split('\n')
    expect(inodes).toHaveLength(21)
    expect(new Set(inodes).size).toBe(1)
    expect(inodes[0]!.split(' ')[1]).toBe('21')
    // Spot checks the listings already cover, spelled out.
    expect(sh(`stat -c '%a %F' '${rootfs}/modes/setuid' '${rootfs}/modes/setgid' '${rootfs}/modes/sticky' '${rootfs}/modes/none' '${rootfs}/symlinks/fifo'`).trim().split('\n'))
      .toEqual(['4755 regular file', '2711 regular file', '1777 directory', '0 regular file', '644 fifo'])
    expect(sh(`readlink '${rootfs}/symlinks/loop-a' '${rootfs}/symlinks/long-target'`).trim().split('\n')).toEqual(['loop-b', 'x'.repeat(150)])
    expect(sh(`stat -c '%u %g' '${rootfs}/ünïcødé'`).trim()).toBe('4000000 3000000')
  })
})

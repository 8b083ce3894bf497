/**
 * File trees of images, compared with tools we did not write: GNU tar extracts archives and layers, `find` and
 * `sha256sum` list the result, skopeo copies a registry image to an OCI layout and umoci unpacks it.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {run} from './registry-image.js'

/** Every entry under `root`: path, type, mode, owner, link target, and for files the sha256 of their bytes (sorted). */
export function treeListing(root: string): string[] {
  const script = `cd "$1" && find . -mindepth 1 -printf '%P|%y|%m|%U:%G|%l|' -a \\( -type f -exec sh -c 'sha256sum < "$1" | cut -c1-64' _ {} \\; -o -printf '\\n' \\)`
  return execFileSync('sh', ['-c', script, '_', root], {encoding: 'utf8', maxBuffer: 64 << 20}).trim().split('\n').sort()
}

/** GNU tar extracts an archive (as root: modes and owners kept). */
export function untar(file: string, into: string): void {
  mkdirSync(into, {recursive: true})
  execFileSync('tar', ['-xf', file, '-C', into, '--same-owner', '-p'])
}

/**
 * GNU tar extracts a layer. umoci 0.4.7 ends its layer tars right after the last file's data (no padding, no
 * end-of-archive blocks), which GNU tar calls an unexpected EOF: zeros are appended to complete the archive.
 */
export function untarLayer(file: string, into: string): void {
  mkdirSync(into, {recursive: true})
  execFileSync('sh', ['-c', '(cat "$1"; head -c 10240 /dev/zero) | tar -x -C "$2" --same-owner -p 2>/dev/null', '_', file, into])
}

/**
 * skopeo copies the registry image `ref` to an OCI layout under `work`; every blob's sha256sum must be its name
 * (else this throws); umoci unpacks it; returns the listing of its rootfs.
 */
export function pulledImageTree(ref: string, work: string, name: string): string[] {
  const layout = join(work, `pulled-${name}`)
  run('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${layout}:got`])
  const blobs = join(layout, 'blobs', 'sha256')
  for (const b of readdirSync(blobs)) {
    const sum = run('sha256sum', [join(blobs, b)]).slice(0, 64)
    if (sum !== b) throw new Error(`pulled blob ${b} of ${ref} has sha256 ${sum}`)
  }
  const bundle = join(work, `bundle-${name}`)
  run('umoci', ['unpack', '--image', `${layout}:got`, bundle])
  return treeListing(join(bundle, 'rootfs'))
}

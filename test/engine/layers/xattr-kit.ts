/**
 * Helpers of the layer-xattr tests: attributes are set and read by Python (/usr/bin/python3, os.setxattr and
 * os.getxattr, never following symlinks), layers are archived by GNU tar --xattrs, files capabilities come from
 * setcap. None of this uses sysbuild's own code.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {streamOf} from '../../../src/engine/layers/extract-layer.js'
import type {CachedLayerSource} from '../../../src/engine/layers/layer-cache.js'
import type {Digest} from '../../../src/image/index.js'

export const PY = '/usr/bin/python3'
export const isRoot = process.getuid?.() === 0

const py = (script: string, input: unknown): string => execFileSync(PY, ['-c', script], {input: JSON.stringify(input), encoding: 'utf8'})

/** Set xattrs in one Python run: [[path, name, hex], ...] (any UTF-8 in paths and names). */
export const setXattrs = (items: readonly (readonly [string, string, string])[]): void =>
  void py('import os,sys,json\nfor p,n,v in json.load(sys.stdin): os.setxattr(p, n, bytes.fromhex(v), follow_symlinks=False)', items)

export type XattrTree = Record<string, Record<string, string>>

/** Every xattr under `dir` (the directory itself left out) as {relative path: {name: hex}}, read by Python. */
export const readXattrs = (dir: string): XattrTree =>
  JSON.parse(py(`import os,sys,json
d=json.load(sys.stdin); out={}
for top,dirs,files in os.walk(d):
  for n in dirs+files:
    p=os.path.join(top,n); a={k: os.getxattr(p,k,follow_symlinks=False).hex() for k in os.listxattr(p,follow_symlinks=False)}
    if a: out[os.path.relpath(p,d)]=a
print(json.dumps(out, sort_keys=True))`, dir)) as XattrTree

/** The attributes of one path, by Python (not following a symlink). */
export const xattrsOf = (path: string): Record<string, string> =>
  JSON.parse(py('import os,sys,json\np=json.load(sys.stdin)\nprint(json.dumps({k: os.getxattr(p,k,follow_symlinks=False).hex() for k in os.listxattr(p,follow_symlinks=False)}))', path)) as Record<string, string>

export function run(cmd: string, args: readonly string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): string {
  const r = spawnSync(cmd, [...args], {encoding: 'utf8', cwd: opts.cwd, env: opts.env, maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`)
  return r.stdout
}

/** `setcap CAPS FILE`, then the value the kernel stored, as getfattr shows it in hex. */
export function setcapHex(file: string, caps: string): string {
  run('setcap', [caps, file])
  const out = run('getfattr', ['--absolute-names', '-n', 'security.capability', '-e', 'hex', file])
  return /security\.capability=0x([0-9a-f]+)/.exec(out)![1]!
}

/** GNU tar of a whole tree with every xattr (numeric owners, sorted names). */
export function gnuTarXattrs(tree: string, out: string): Buffer {
  run('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '--sort=name', '-cf', out, '-C', tree, '.'])
  return readFileSync(out)
}

/** An uncompressed layer as ensureLayer takes it (diff id = digest). */
export function layerSource(tar: Buffer): CachedLayerSource {
  const digest = `sha256:${createHash('sha256').update(tar).digest('hex')}` as Digest
  return {digest, diffId: digest, compression: 'none', open: async () => streamOf(tar)}
}

/**
 * Bad input gives a clear message, a stable code, the documented exit code, no stack
 * trace — and leaves the scratch root exactly as it was (issue "Done when"): unknown
 * image, name in use, missing --set value, corrupt store, runc missing, invalid names,
 * broken templates, and a registry that is not there.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
import {digestOfBytes, MEDIA_TYPES, openLayout} from '../../src/image/index.js'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, isSysbuildState, treeSnapshot, umociImage} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
let good: string
const cli = (...args: string[]) => runCli([...args, '--root', root])
const flat = (text: string): string => text.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ')

beforeAll(() => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-errors-'))
  root = join(work, 'root')
  for (const d of ['etc/systemd/system', 'etc/tmpfiles.d', 'var/lib/containers/atomic', 'run']) mkdirSync(join(root, d), {recursive: true})
  const manifest = JSON.stringify({version: '1.0', defaultValues: {}})
  const unit = '[Service]\nExecStart=$EXEC_START\nExecStop=$EXEC_STOP\nWorkingDirectory=$DESTDIR\n\n[Install]\nWantedBy=multi-user.target\n'
  const config = JSON.stringify({ociVersion: '1.0.2', process: {terminal: false, args: ['/bin/sh', '-c', 'echo $GREETING'], cwd: '/'}, root: {path: 'rootfs', readonly: true}, hostname: '$NAME', env: ['GREETING=$GREETING']})
  good = umociImage(work, join(work, 'oci'), 'good', {bare: true, files: {'/exports/manifest.json': manifest, '/exports/service.template': unit, '/exports/config.json.template': config}})
  umociImage(work, join(work, 'oci'), 'broken-template', {bare: true, files: {'/exports/service.template': 'ExecStart=$EXEC_START ${oops\n'}})
  umociImage(work, join(work, 'oci'), 'writable', {bare: true, files: {'/exports/config.json.template': config.replace('"readonly":true', '"readonly":false')}})
  umociImage(work, join(work, 'oci'), 'bad-json', {bare: true, files: {'/exports/config.json.template': '{"root": {"path": "rootfs",, }}'}})
  umociImage(work, join(work, 'oci'), 'bad-manifest', {bare: true, files: {'/exports/manifest.json': '{"defaultValues": [1, 2]}'}})
})
afterAll(() => {
  if (!skip) rmSync(work, {recursive: true, force: true})
})

const layout = (tag: string) => `oci-layout:${join(work, 'oci')}:${tag}`

type TarEntry = {name: string; type?: 'file' | 'symlink' | 'link'; body?: string; linkname?: string}
let hostileCount = 0
/** An OCI layout whose only layer carries hand-made hostile entries (no real tool writes them). */
async function hostileImage(entries: TarEntry[]): Promise<string> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise((r) => pack.on('end', r))
  for (const e of entries) {
    await new Promise<void>((res, rej) => pack.entry({name: e.name, type: e.type ?? 'file', mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, linkname: e.linkname}, e.body ?? '', (err) => (err ? rej(err) : res())))
  }
  pack.finalize()
  await done
  const raw = Buffer.concat(chunks)
  const gz = gzipSync(raw)
  const dir = join(work, `hostile-${++hostileCount}`)
  const store = await openLayout(dir, {create: true})
  const layer = await store.putBlob(gz)
  const config = await store.putJson({architecture: 'amd64', os: 'linux', config: {}, rootfs: {type: 'layers', diff_ids: [digestOfBytes(raw)]}}, MEDIA_TYPES.config)
  const manifest = await store.putJson({schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers: [{mediaType: MEDIA_TYPES.layerGzip, ...layer}]}, MEDIA_TYPES.manifest)
  await store.tag('latest', manifest)
  return `oci-layout:${dir}:latest`
}

function expectRefused(args: string[], code: string, exit: number, text: string): void {
  const before = snapshot()
  const r = cli(...args)
  expect(r.status, r.stdout + r.stderr).toBe(exit)
  expect(hasStackTrace(r.stderr)).toBe(false)
  expect(r.stderr).toContain(code)
  expect(flat(r.stderr)).toContain(flat(text))
  expect(snapshot()).toEqual(before)
  // No staging dir, journal or lock is left behind either.
  for (const d of ['staging', 'journals', 'locks']) {
    const dir = join(root, 'var/lib/containers/atomic/.sysbuild', d)
    expect(existsSync(dir) ? readdirSync(dir) : [], d).toEqual([])
  }
}

/** Host state; sysbuild's caches (extracted layers, the image store a pull creates) do not count. */
const snapshot = () => treeSnapshot(root, (p) => isSysbuildState(p) || p.startsWith('var/lib/containers/sysbuild'))

describe.skipIf(skip)(title('engine: bad input is refused cleanly'), () => {
  it('an unknown image', () => expectRefused(['install', 'no-such-image'], 'SYSBUILD_IMAGE_NOT_FOUND', 1, 'Image no-such-image not found'))
  it('an unknown tag in a layout', () => expectRefused(['install', layout('nope')], 'SYSBUILD_IMAGE_NOT_FOUND', 1, 'not found'))
  it('a missing --set value', () => expectRefused(['install', '--name', 'greeter', layout('good')], 'SYSBUILD_EXPORTS_TEMPLATE_UNKNOWN_VAR', 1, "still contains an unreplaced value for: 'GREETING'"))
  it('a malformed --set', () => expectRefused(['install', '--set', 'GREETING', layout('good')], 'SYSBUILD_USAGE_INVALID_SET', 2, "Invalid value 'GREETING'.  Expected form NAME=VALUE"))
  it('an invalid container name', () => expectRefused(['install', '--name', 'bad name', layout('good')], 'SYSBUILD_ENGINE_INVALID_NAME', 2, "Invalid container name 'bad name'"))
  it('an invalid placeholder in the unit template', () => expectRefused(['install', '--name', 'x1', layout('broken-template')], 'SYSBUILD_EXPORTS_TEMPLATE_INVALID_PLACEHOLDER', 1, 'exports/service.template'))
  it('a writable rootfs', () => expectRefused(['install', '--name', 'x2', '--set', 'GREETING=hi', layout('writable')], 'SYSBUILD_ENGINE_INVALID_CONFIG', 1, 'Invalid configuration file.  Only readonly images are supported'))
  it('a config.json that is not JSON', () => expectRefused(['install', '--name', 'x3', layout('bad-json')], 'SYSBUILD_ENGINE_INVALID_CONFIG', 1, 'Invalid json in configuration file: /var/lib/containers/atomic/x3.0/config.json.'))
  it('an invalid manifest.json', () => expectRefused(['install', '--name', 'x4', layout('bad-manifest')], 'SYSBUILD_EXPORTS_SCHEMA_VIOLATION', 1, 'Invalid manifest.json file in image'))
  it('runc missing', () => expectRefused(['install', '--runtime', '/nonexistent/runc', '--set', 'GREETING=hi', layout('good')], 'SYSBUILD_ENGINE_RUNTIME_MISSING', 5, 'Cannot install the container: the runtime /nonexistent/runc is not installed'))
  it('a registry that is not there', async () => {
    const port = await freePort()
    expectRefused(['install', `127.0.0.1:${port}/sb/nothing:latest`], 'SYSBUILD_REGISTRY_UNREACHABLE', 1, `127.0.0.1:${port}`)
  })

  it('a name in use, and a unit file of that name already on the host', () => {
    const ok = cli('install', '--name', 'greeter', '--set', 'GREETING=hi', layout('good'))
    expect(ok.status, ok.stderr).toBe(0)
    const again = cli('install', '--name', 'greeter', '--set', 'GREETING=hi', layout('good'))
    expect(again.status).toBe(0)
    expect(again.stdout).toContain('greeter already present')
    writeFileSync(join(root, 'etc/systemd/system/other.service'), '[Service]\nExecStart=/bin/true\n')
    expectRefused(['install', '--name', 'other', '--set', 'GREETING=hi', layout('good')], 'SYSBUILD_ENGINE_FILE_EXISTS', 1, `The file ${root}/etc/systemd/system/other.service already exists.`)
    rmSync(join(root, 'etc/systemd/system/other.service'))
    expect(cli('uninstall', 'greeter').status).toBe(0)
  })

  it('a corrupt layer blob in the layout: digest mismatch, nothing installed', () => {
    const corrupt = join(work, 'corrupt')
    umociImage(work, corrupt, 'c', {bare: true, files: {'/exports/config.json.template': '{"root": {"path": "rootfs", "readonly": true}, "process": {"args": ["/x"]}}', '/data': 'x'.repeat(100_000)}})
    const big = readdirSync(join(corrupt, 'blobs/sha256')).map((f) => join(corrupt, 'blobs/sha256', f)).find((f) => existsSync(f) && statSync(f).size > 200)!
    chmodSync(big, 0o644)
    const buf = readFileSync(big)
    buf[buf.length - 20] ^= 0xff
    writeFileSync(big, buf)
    expectRefused(['install', '--name', 'corrupt', `oci-layout:${corrupt}:c`], 'SYSBUILD_IMAGE_', 1, 'sha256:')
  })

  it('partial states (D4): listed as broken, refused by install, cleaned by uninstall', () => {
    const ckout = join(root, 'var/lib/containers/atomic')
    const empty = snapshot()
    // A lone NAME.0, a link to a deployment without info, a dangling link with a unit file left.
    mkdirSync(join(ckout, 'lone.0/rootfs'), {recursive: true})
    mkdirSync(join(ckout, 'noinfo.1'), {recursive: true})
    symlinkSync('/var/lib/containers/atomic/noinfo.1', join(ckout, 'noinfo'))
    symlinkSync('/var/lib/containers/atomic/dangling.0', join(ckout, 'dangling'))
    writeFileSync(join(root, 'etc/systemd/system/dangling.service'), '[Service]\nExecStart=/bin/true\n')
    const list = JSON.parse(cli('containers', '--all', '--json').stdout) as {name: string; state: string}[]
    expect(list.map((e) => [e.name, e.state])).toEqual([['dangling', 'broken'], ['lone', 'broken'], ['noinfo', 'broken']])
    expect(cli('containers', '--all').stdout).toContain('broken')
    const refused = cli('install', '--name', 'lone', '--set', 'GREETING=hi', layout('good'))
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('SYSBUILD_ENGINE_BROKEN')
    for (const n of ['lone', 'noinfo', 'dangling']) {
      const r = cli('uninstall', n)
      expect(r.status, `${n}: ${r.stderr}`).toBe(0)
      expect(hasStackTrace(r.stderr)).toBe(false)
    }
    expect(snapshot()).toEqual(empty)
    expect(cli('install', '--name', 'lone', '--set', 'GREETING=hi', layout('good')).status).toBe(0)
    expect(cli('uninstall', 'lone').status).toBe(0)
  })

  it.each([
    ['an absolute path', [{name: '/etc/evil', body: 'x'}]],
    ['a .. component', [{name: 'a/../../evil', body: 'x'}]],
    ['a write through a symlink', [{name: 'up', type: 'symlink', linkname: '/'}, {name: 'up/evil', body: 'x'}]],
    ['a hard link out of the layer', [{name: 'hl', type: 'link', linkname: '../../../etc/passwd'}]],
  ] as const)('a layer with %s: SYSBUILD_IMAGE_HOSTILE_PATH, nothing written', async (_what, entries) => {
    const ref = await hostileImage(entries as unknown as TarEntry[])
    expectRefused(['install', '--name', 'hostile', ref], 'SYSBUILD_IMAGE_HOSTILE_PATH', 1, 'Refusing layer')
    expect(existsSync(join(root, 'evil')) || existsSync(join(work, 'evil'))).toBe(false)
  })

  it('operations on a container that is not installed', () => {
    for (const cmd of ['start', 'stop', 'status', 'update', 'rollback']) {
      expectRefused([cmd, 'ghost'], 'SYSBUILD_ENGINE_NOT_INSTALLED', 1, "System container 'ghost' is not installed")
    }
    expectRefused(['uninstall', 'ghost'], 'SYSBUILD_ENGINE_NOT_INSTALLED', 1, "The container 'ghost' doesn't exist")
  })
})

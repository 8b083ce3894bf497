/**
 * hostfs → host paths (atomic-semantics.md §15) and the hostfs lint rules.
 * Oracles: GNU find lists the tree the walker must list; the rename expectations are the
 * spec's own examples (etcd and the atomic hostfs test image).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {hostDestination, normalizeHostPath, renamePath, walkHostfs} from '../../src/exports/hostfs.js'
import {isSysbuildError} from '../../src/core/errors.js'
import {lintPath} from '../../src/exports/index.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sysbuild-hostfs-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** Write a tree: `path: text` for files, `path -> target` keys for symlinks, `path/` for empty dirs. */
function tree(root: string, spec: Record<string, string>): string {
  for (const [k, v] of Object.entries(spec)) {
    const p = join(root, k.replace(/ -> $/, ''))
    mkdirSync(dirname(p), {recursive: true})
    if (k.endsWith(' -> ')) symlinkSync(v, p)
    else if (k.endsWith('/')) mkdirSync(p, {recursive: true})
    else writeFileSync(p, v)
  }
  return root
}

let n = 0
const fresh = (spec: Record<string, string>): string => tree(join(tmp, `case${++n}`), spec)

describe('hostDestination', () => {
  const values = {NAME: 'etcd', CONF_DIRECTORY: '/etc'}
  it('renames a file key (the atomic hostfs test image)', () => {
    expect(hostDestination('/usr/local/lib/placeholder-file', {'/usr/local/lib/placeholder-file': '/usr/local/lib/renamed-$NAME'}, {NAME: 'hostfs'})).toBe('/usr/local/lib/renamed-hostfs')
  })
  it('renders values with ${NAME}ctl and $CONF_DIRECTORY (etcd)', () => {
    const renames = {'/etc/etcd/etcd.conf': '$CONF_DIRECTORY/$NAME/etcd.conf', '/usr/local/bin/etcdctl': '/usr/local/bin/${NAME}ctl'}
    expect(hostDestination('/usr/local/bin/etcdctl', renames, {...values, NAME: 'etcd2'})).toBe('/usr/local/bin/etcd2ctl')
    expect(hostDestination('/etc/etcd/etcd.conf', renames, {...values, NAME: 'etcd2'})).toBe('/etc/etcd2/etcd.conf')
  })
  it('renames everything below a directory key, component by component', () => {
    const renames = {'/etc/app': '/etc/$NAME'}
    expect(hostDestination('/etc/app/a/b.conf', renames, values)).toBe('/etc/etcd/a/b.conf')
    expect(hostDestination('/etc/app', renames, values)).toBe('/etc/etcd')
    expect(hostDestination('/etc/application', renames, values)).toBe('/etc/application')
  })
  it('applies a later key to an already renamed prefix', () => {
    expect(renamePath('/a/x/f', {'/a': '/b', '/b/x': '/c'})).toBe('/c/f')
  })
  it('normalises /./name (defect D10), trailing slashes in keys and doubled slashes in values', () => {
    expect(hostDestination('/./name', {'/name': '/renamed'}, {})).toBe('/renamed')
    expect(hostDestination('etc/x', {'/etc/': '$DIR/'}, {DIR: '/opt//etc'})).toBe('/opt/etc/x')
    expect(normalizeHostPath('a/../b//c/')).toBe('/b/c')
  })
  it('leaves paths no key matches alone and does not render their values', () => {
    expect(hostDestination('/usr/bin/x', {'/etc/a': '$MISSING'}, {})).toBe('/usr/bin/x')
  })
  it('names manifest.json and the key when a value cannot be rendered', () => {
    try {
      hostDestination('/etc/a/f', {'/etc/a': '/etc/$MISSING'}, {})
      expect.unreachable()
    } catch (e) {
      if (!isSysbuildError(e)) throw e
      expect(e.code).toBe('SYSBUILD_EXPORTS_TEMPLATE_UNKNOWN_VAR')
      expect(e.message).toContain("The template file 'manifest.json' still contains an unreplaced value for: 'MISSING'")
      expect(e.message).toContain('renameFiles["/etc/a"]')
      expect(e.hint.file).toBe('manifest.json')
    }
  })
})

describe('walkHostfs', () => {
  const hasFind = spawnSync('find', ['--version']).status === 0
  it.skipIf(!hasFind)('lists what GNU find lists, top-down, without following links', () => {
    const root = fresh({
      'usr/local/bin/tool': '#!/bin/sh\n',
      'usr/local/bin/link -> ': '../lib/none',
      'etc/empty/': '',
      'etc/b.conf': 'b',
      'etc/a.conf': 'a',
      'top -> ': '/does/not/exist',
      'dirlink -> ': 'etc',
    })
    chmodSync(join(root, 'usr/local/bin/tool'), 0o755)
    const entries = walkHostfs(root)
    const r = spawnSync('find', [root, '-mindepth', '1', '-printf', '/%P\t%y\t%l\t%m\n'], {encoding: 'utf8'})
    const fromFind = r.stdout.trim().split('\n').map((l) => l.split('\t')).sort()
    const kind = {file: 'f', dir: 'd', symlink: 'l', other: '?'} as const
    const ours = entries.map((e) => [e.path, kind[e.kind], e.target ?? '', e.mode.toString(8)]).sort()
    expect(ours).toEqual(fromFind)
    // top-down: every directory comes before its contents; the link to a directory is not entered
    entries.forEach((e, i) => {
      const parent = dirname(e.path)
      if (parent !== '/') expect(entries.findIndex((x) => x.path === parent)).toBeLessThan(i)
    })
    expect(entries.some((e) => e.path.startsWith('/dirlink/'))).toBe(false)
  })
})

const only = (...ids: string[]) => ({only: ids})

describe('hostfs/dangling-symlink', () => {
  const check = async (spec: Record<string, string>, manifest?: object) => {
    const dir = fresh({...spec, ...(manifest ? {'manifest.json': JSON.stringify(manifest)} : {})})
    // (the shown exports dir is absolute when it equals shownBase: compare the tail)
    return (await lintPath(dir, {shownBase: dir, ...only('hostfs/dangling-symlink')})).map((f) => [f.severity, f.file.slice(f.file.indexOf('hostfs/'))])
  }
  it('is an error for a relative target that resolves nowhere in hostfs', async () => {
    expect(await check({'hostfs/usr/bin/x -> ': '../lib/missing'})).toEqual([['error', 'hostfs/usr/bin/x']])
  })
  it('accepts relative targets inside hostfs, also through directories and `..` at the root', async () => {
    expect(await check({'hostfs/usr/lib/real': 'x', 'hostfs/usr/bin/x -> ': '../lib/real', 'hostfs/usr/bin/d -> ': '../lib', 'hostfs/r -> ': '../../usr/lib/real'})).toEqual([])
  })
  it('is a warning for an absolute target that neither hostfs nor this machine has', async () => {
    expect(await check({'hostfs/opt/cni/bin/bridge -> ': '/usr/libexec/sysbuild-test-cni/bridge'})).toEqual([['warning', 'hostfs/opt/cni/bin/bridge']])
  })
  it('accepts an absolute target that exists on this machine', async () => {
    expect(await check({'hostfs/usr/local/bin/sh -> ': '/bin/sh'})).toEqual([])
  })
  it('accepts an absolute target that hostfs installs, after renames (sample name = directory name)', async () => {
    const manifest = {renameFiles: {'/usr/lib/app': '/usr/lib/$NAME'}}
    const dir = tree(join(tmp, 'renamed'), {'manifest.json': JSON.stringify(manifest), 'hostfs/usr/lib/app/tool': 'x', 'hostfs/usr/bin/tool -> ': '/usr/lib/renamed/tool'})
    expect(await lintPath(dir, {shownBase: dir, ...only('hostfs/dangling-symlink')})).toEqual([])
  })
})

describe('hostfs/rename-source-missing and hostfs/template-missing', () => {
  const lint = async (dir: string, ids: string[], opts: object = {}) =>
    (await lintPath(dir, {shownBase: dir, ...opts, only: ids})).map((f) => ({rule: f.rule, severity: f.severity, line: f.line, message: f.message, hint: f.hint}))

  it('points at the manifest line of the key and suggests what hostfs has', async () => {
    const manifest = '{\n  "version": "1.0",\n  "renameFiles": {\n    "/etc/app/ok.conf": "/etc/app/$NAME.conf",\n    "/etc/app/typo.conf": "/etc/$NAME.conf"\n  }\n}\n'
    const dir = fresh({'manifest.json': manifest, 'hostfs/etc/app/ok.conf': 'x', 'hostfs/etc/app/other.conf': 'y'})
    const f = await lint(dir, ['hostfs/rename-source-missing'])
    expect(f).toEqual([expect.objectContaining({rule: 'hostfs/rename-source-missing', severity: 'error', line: 5})])
    expect(f[0]!.hint).toContain("'/etc/app/ok.conf', '/etc/app/other.conf'")
  })

  it('says when a template entry names the path before renaming', async () => {
    const manifest = {renameFiles: {'/etc/app.conf': '/etc/$NAME.conf'}, installedFilesTemplate: ['/etc/app.conf']}
    const dir = fresh({'manifest.json': JSON.stringify(manifest, null, 2), 'hostfs/etc/app.conf': 'greeting=$GREETING'})
    const f = await lint(dir, ['hostfs/template-missing'])
    expect(f).toEqual([expect.objectContaining({rule: 'hostfs/template-missing', severity: 'error', line: 6})])
    expect(f[0]!.hint).toMatch(/renameFiles moves hostfs \/etc\/app.conf to \/etc\/case\d+\.conf/)
  })

  it('accepts a renamed template listed at its final destination, and renders it as a template source', async () => {
    const manifest = {defaultValues: {}, renameFiles: {'/etc/app.conf': '/etc/$NAME.conf'}, installedFilesTemplate: ['/etc/tmpl.conf']}
    const dir = tree(join(tmp, 'tmpl'), {'manifest.json': JSON.stringify(manifest, null, 2), 'hostfs/etc/app.conf': 'greeting=$GREETING\n'})
    const f = await lint(dir, ['hostfs/template-missing', 'template/unknown-variable'])
    expect(f).toEqual([expect.objectContaining({rule: 'template/unknown-variable', severity: 'error', line: 1})])
    const shown = f[0]!.message.match(/'([^']*hostfs\/etc\/app\.conf)'/)?.[1]
    expect(shown?.endsWith('hostfs/etc/app.conf')).toBe(true)
    expect(f[0]!.message).toBe(`The template file '${shown}' still contains an unreplaced value for: 'GREETING' (used at ${shown}:1:10)`)
    expect(await lint(dir, ['hostfs/template-missing', 'template/unknown-variable'], {set: {GREETING: 'hi'}})).toEqual([])
  })

  it('flags a directory listed in installedFilesTemplate', async () => {
    const dir = fresh({'manifest.json': JSON.stringify({installedFilesTemplate: ['/etc/app']}), 'hostfs/etc/app/x': 'x'})
    expect((await lint(dir, ['hostfs/template-missing']))[0]!.message).toContain('is a directory')
  })

  it('reports invalid placeholders in renameFiles values at the key line', async () => {
    const dir = fresh({'manifest.json': '{\n "renameFiles": {\n  "/etc/a": "/etc/${NAME:-x}"\n }\n}\n', 'hostfs/etc/a': 'x'})
    const f = await lint(dir, ['template/invalid-placeholder'])
    expect(f).toEqual([expect.objectContaining({line: 3})])
    expect(f[0]!.message).toContain('renameFiles["/etc/a"] (column 6 of the value)')
  })

  it('follows the Dockerfile: COPY/ADD into /exports/hostfs, RUN mkdir and ln -s; RUN cp makes a path opaque', async () => {
    const dockerfile = [
      'FROM base',
      'LABEL atomic.type=system',
      'COPY manifest.json /exports/',
      'COPY app.conf /exports/hostfs/etc/app/',
      'COPY conf.d /exports/hostfs/etc/app/conf.d',
      'RUN mkdir -p /exports/hostfs/usr/{lib,share}/app && ln -s /usr/lib/app/tool /exports/hostfs/usr/share/app/tool',
      'RUN (test -e /etc/x && cp /etc/x /exports/hostfs/etc/opaque/) || true',
    ].join('\n')
    const manifest = {
      renameFiles: {
        '/etc/app/app.conf': '/etc/app/$NAME.conf', // COPY into a directory
        '/etc/app/conf.d/one.conf': '/etc/one.conf', // COPY of a directory
        '/usr/lib/app': '/usr/lib/x', // RUN mkdir
        '/etc/opaque/anything': '/etc/y', // below a path a RUN writes to: may exist
        '/usr/lib/nothing': '/z', // only the parent exists: error
      },
    }
    const dir = fresh({Dockerfile: dockerfile, 'manifest.json': JSON.stringify(manifest, null, 2), 'app.conf': 'a', 'conf.d/one.conf': '1'})
    const f = await lint(dir, ['hostfs/rename-source-missing', 'hostfs/dangling-symlink'])
    expect(f.map((x) => [x.rule, x.line, x.message])).toEqual([
      // the link points at /usr/lib/app/tool, which is renamed away to /usr/lib/x: nothing installs it
      ['hostfs/dangling-symlink', 6, "Symlink hostfs/usr/share/app/tool points to '/usr/lib/app/tool', which hostfs does not install and this machine does not have"],
      ['hostfs/rename-source-missing', 7, "renameFiles key '/usr/lib/nothing' matches nothing in /exports/hostfs"],
    ])
  })
})

describe.skipIf(!existsSync(CORPUS))('the atomic hostfs test image (corpus)', () => {
  const dir = join(CORPUS, 'atomic-test-images/system-container-files-hostfs')
  it('has a broken symlink created by the Dockerfile: a warning, not an error', async () => {
    const f = await lintPath(dir, {shownBase: dir, only: ['hostfs/dangling-symlink', 'hostfs/rename-source-missing', 'hostfs/template-missing']})
    expect(f.map((x) => [x.rule, x.severity, x.file, x.line])).toEqual([['hostfs/dangling-symlink', 'warning', 'Dockerfile', 9]])
  })
  it('renders message-template as the installedFilesTemplate source ($RECEIVER has a default)', async () => {
    const f = await lintPath(dir, {shownBase: dir, set: {RECEIVER: '$NAME'}, only: ['template/unknown-variable', 'template/invalid-placeholder']})
    expect(f).toEqual([])
  })
})

/** `sysbuild build --xattrs/--no-xattrs` and `--remove` as a user runs them: exit codes, codes, warnings, the store left alone. */
import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {execFileSync, spawnSync} from 'node:child_process'
import {chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, ROOT, runCli} from '../commands/run-cli.js'
import {needTool, toolSkipReason} from '../image/kit.js'

const EPOCH = {SOURCE_DATE_EPOCH: '1700000000'}
const blobsIn = (store: string): Promise<string[]> => readdir(join(store, 'var/lib/containers/sysbuild/images/blobs/sha256')).catch(() => [])
const errorOf = (stdout: string) => (JSON.parse(stdout) as {error: {code: string; message: string}}).error

describe('sysbuild build --xattrs / --remove (CLI)', () => {
  let w: string
  let noGetfattr: Record<string, string>
  beforeAll(async () => {
    buildCli()
    w = await mkdtemp(join(tmpdir(), 'sb-xattr-cli-'))
    await chmod(w, 0o755)
    await mkdir(join(w, 'rootfs', 'etc'), {recursive: true})
    await writeFile(join(w, 'rootfs', 'etc', 'conf'), 'x\n')
    // A PATH with node and nothing else: getfattr (and every other tool) is missing.
    await mkdir(join(w, 'bin'))
    await symlink(process.execPath, join(w, 'bin', 'node'))
    noGetfattr = {...EPOCH, PATH: join(w, 'bin')}
  }, 300_000)
  afterAll(async () => {
    if (w) await rm(w, {recursive: true, force: true})
  })

  const build = (root: string, extra: string[], env: Record<string, string> = EPOCH) =>
    runCli(['build', '--from', 'scratch', '--rootfs', join(w, 'rootfs'), '-t', 'x:1', '--no-lint', '--root', join(w, root), ...extra], {cwd: w, env})

  it('--xattrs without getfattr fails with SYSBUILD_CORE_EXTERNAL_MISSING (exit 5) and stores nothing; auto warns once; --no-xattrs is silent', async (ctx) => {
    const r = build('s1', ['--xattrs', '--json'], noGetfattr)
    expect(r.status).toBe(5)
    expect(errorOf(r.stdout)).toMatchObject({code: 'SYSBUILD_CORE_EXTERNAL_MISSING', message: expect.stringContaining('getfattr is not installed')})
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false)
    expect(await blobsIn(join(w, 's1'))).toEqual([])
    const text = build('s1', ['--xattrs'], noGetfattr)
    expect(text.stderr).toMatch(/getfattr is not installed[\s\S]*Code: SYSBUILD_CORE_EXTERNAL_MISSING/)

    const auto = build('s2', [], noGetfattr)
    expect(auto.status, auto.stderr).toBe(0)
    expect(auto.stderr.match(/^warning: getfattr is not installed: extended attributes .* were not read/gm)).toHaveLength(1)
    const off = build('s3', ['--no-xattrs'], noGetfattr)
    expect(off.status, off.stderr).toBe(0)
    expect(off.stderr).not.toContain('getfattr')
    // Nothing had xattrs: the three ways give the same image.
    expect(off.stdout).toBe(auto.stdout)
    needTool(ctx, 'getfattr')
    expect(build('s4', ['--xattrs']).stdout).toBe(auto.stdout)
  })

  it('--remove: a relative path is a usage error (exit 2) that stores nothing; repeated paths a scratch base lacks only warn', async () => {
    const bad = build('s5', ['--remove', 'etc/conf', '--json'])
    expect(bad.status).toBe(2)
    expect(errorOf(bad.stdout)).toEqual({code: 'SYSBUILD_USAGE_INVALID_ARGUMENT', message: '--remove: cannot remove "etc/conf": the path must be absolute (start with /)', suggestions: expect.any(Array)})
    expect(await blobsIn(join(w, 's5'))).toEqual([])
    const clash = build('s5', ['--remove', '/etc/conf', '--json'])
    expect(clash.status).toBe(2)
    expect(errorOf(clash.stdout).message).toContain('the first layer this build adds also contains /etc/conf')
    const ok = build('s5', ['--remove', '/usr/share/doc', '--remove', '/var/cache'])
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stderr).toContain('warning: remove /usr/share/doc: the base image has no such path')
    expect(ok.stderr).toContain('warning: remove /var/cache: the base image has no such path')
  })

  it.skipIf(process.getuid?.() !== 0 || Boolean(toolSkipReason('setpriv', 'getfattr')))('an attribute the user may not read fails with the file name, like unreadable content (run as nobody; needs root, setpriv, getfattr)', async () => {
    const tree = join(w, 'private')
    await mkdir(join(tree, 'etc'), {recursive: true})
    await writeFile(join(tree, 'etc', 'secret'), 'no')
    await chmod(join(tree, 'etc', 'secret'), 0o600)
    execFileSync('/usr/bin/python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], "user.k", b"1")', join(tree, 'etc', 'secret')])
    await mkdir(join(w, 's6'), {mode: 0o777})
    await chmod(join(w, 's6'), 0o777)
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', join(ROOT, 'bin/run.js'), 'build', '--rootfs', tree, '-t', 'x:1', '--no-lint', '--root', join(w, 's6'), '--json'],
      {encoding: 'utf8', cwd: w, env: {...process.env, ...EPOCH, HOME: w}})
    expect(r.status).toBe(1)
    expect(errorOf(r.stdout)).toMatchObject({code: 'SYSBUILD_CORE_FILE_UNREADABLE', message: `${tree}/etc/secret: permission denied (reading its extended attributes)`})
    expect(await blobsIn(join(w, 's6'))).toEqual([])
  })
})

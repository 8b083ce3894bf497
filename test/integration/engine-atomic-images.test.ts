/**
 * atomic's own integration scenarios (projectatomic/atomic tests/integration/
 * test_system_containers_*.sh), on its four test images from ../shared/corpus: the
 * exports files exactly as published, on a busybox rootfs (busybox `nc` stands in for
 * nmap-ncat in run.sh; greet.sh is the original). Oracles: the HTTP answer of the real
 * container (with the UUID from info), sha256sum of the host files, systemd-analyze.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, httpGet, isSysbuildState, sh, treeSnapshot, umociImage, until} from '../kit/engine-images.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/atomic-test-images')
const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles', 'systemd-analyze', 'sha256sum'])
if (!existsSync(CORPUS)) blockers.push(`corpus not found at ${CORPUS}`)
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

/** run.sh of the test images with busybox nc (loopback only) instead of nmap-ncat. */
const RUN_SH = `#!/bin/sh
nc -ll -p \${PORT:-8081} 127.0.0.1 -e /usr/bin/greet.sh &
trap 'kill $!; exit 0' INT TERM
wait $!
`
const EXPORTS = ['config.json.template', 'manifest.json', 'service.template', 'tmpfiles.template']

let work: string
let root: string
let port: number
const images: Record<string, string> = {}
const cli = (...args: string[]) => runCli([...args, '--root', root])
/** oclif wraps long error messages: compare on one line. */
const flat = (text: string): string => text.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ')
const runcRoot = () => join(root, 'run/sysbuild/runc')
const checkouts = () => join(root, 'var/lib/containers/atomic')
/** The active deployment, real path (the link holds the target path, as atomic wrote it). */
const active = (name: string) => join(checkouts(), readlinkSync(join(checkouts(), name)).split('/').pop()!)
const info = (name: string) => JSON.parse(readFileSync(join(active(name), 'info'), 'utf8'))

function imageOf(dir: string, tag: string, extra: Parameters<typeof umociImage>[3] = {}): string {
  const src = join(CORPUS, dir)
  const files: Record<string, string> = {}
  for (const f of EXPORTS) if (existsSync(join(src, f))) files[`/exports/${f}`] = readFileSync(join(src, f), 'utf8')
  if (existsSync(join(src, 'greet.sh'))) files['/usr/bin/greet.sh'] = readFileSync(join(src, 'greet.sh'), 'utf8')
  if (existsSync(join(src, 'run.sh'))) files['/usr/bin/run.sh'] = RUN_SH
  return umociImage(work, join(work, 'oci'), tag, {...extra, files: {...files, ...extra.files}})
}

beforeAll(() => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-atomic-'))
  root = join(work, 'root')
  for (const d of ['etc/systemd/system', 'etc/tmpfiles.d', 'var/lib/containers/atomic', 'run', 'usr/local/lib']) mkdirSync(join(root, d), {recursive: true})
  images.system = imageOf('system-container-files', 'system')
  images.update = imageOf('system-container-update-files', 'update')
  const hostfs = join(CORPUS, 'system-container-files-hostfs')
  images.hostfs = imageOf('system-container-files-hostfs', 'hostfs', {
    files: {
      '/exports/hostfs/usr/local/lib/secret-message': readFileSync(join(hostfs, 'message'), 'utf8'),
      '/exports/hostfs/usr/local/lib/secret-message-template': readFileSync(join(hostfs, 'message-template'), 'utf8'),
      '/exports/hostfs/usr/local/lib/placeholder-file': readFileSync(join(hostfs, 'message'), 'utf8'),
    },
    dirs: ['/exports/hostfs/usr/local/placeholder-lib'],
    symlinks: {'/exports/hostfs/broken-symlink': '/does/not/exist'},
  })
  const once = join(CORPUS, 'system-container-runonce-files')
  images.once = umociImage(work, join(work, 'oci'), 'once', {
    files: {'/exports/config.json.template': readFileSync(join(once, 'config.json.template'), 'utf8'), '/exports/manifest.json': readFileSync(join(once, 'manifest.json'), 'utf8'), '/usr/bin/run.sh': readFileSync(join(once, 'hi.sh'), 'utf8')},
    labels: {'atomic.run': 'once', 'atomic.type': 'system'},
  })
})

afterAll(() => {
  if (skip) return
  const list = spawnSync('runc', ['--root', runcRoot(), 'list', '-q'], {encoding: 'utf8'})
  for (const id of list.stdout?.split('\n').filter(Boolean) ?? []) spawnSync('runc', ['--root', runcRoot(), 'delete', '-f', id])
  rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('engine: atomic test images (real runc)'), () => {
  const N = 'atomic-test-system'

  it('system-container-files: pidfile mode unit, normalised pre-1.0 config, greeting with the UUID of info', async () => {
    port = await freePort()
    const r = cli('install', '--name', N, '--set', 'RECEIVER=Tester', '--set', `PORT=${port}`, images.system!)
    expect(r.status, r.stderr).toBe(0)
    expect(hasStackTrace(r.stderr)).toBe(false)
    // Pre-1.0 fields are converted with warnings (oci-checklist.md §3).
    expect(r.stderr).toContain('linux.capabilities (pre-1.0) moved to process.capabilities')
    const runtime = info(N).runtime as string
    const unit = readFileSync(join(root, 'etc/systemd/system', `${N}.service`), 'utf8')
    expect(unit).toContain(`ExecStart=${runtime} run -d --pid-file /run/container-${N}.pid '${N}'\n`)
    expect(unit).toContain('ExecStop=\n')
    expect(unit).toContain('ExecStartPre=\n')
    expect(unit).toContain(`ExecStopPost=${runtime} delete '${N}'\n`)
    expect(unit).toContain(`PIDFile=/run/container-${N}.pid\n`)
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', join(root, 'etc/systemd/system', `${N}.service`)], {encoding: 'utf8'})
    expect(verify.status, verify.stderr).toBe(0)
    const config = JSON.parse(readFileSync(join(active(N), 'config.json'), 'utf8'))
    expect(config.platform).toBeUndefined()
    expect(config.linux.capabilities).toBeUndefined()
    expect(config.process.capabilities.bounding).toContain('CAP_CHOWN')
    expect(config.process.capabilities.bounding).not.toContain('CAP_SYS_RESOURCE')
    expect(readFileSync(join(root, 'etc/tmpfiles.d', `${N}.conf`), 'utf8')).toBe(`D    /run/${N}   0700 - - - -\n`)
    const s = cli('start', N)
    expect(s.status, s.stderr).toBe(0)
    const uuid = info(N).values.UUID
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/)
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe(`Hi Tester from container ${N} with UUID=${uuid}\r\n`)
  })

  it('update --rebase to the update image: refused without VAR_WITH_NO_DEFAULT while the old one keeps serving (D13); with it, the new one serves with the kept RECEIVER and UUID', async () => {
    const uuid = info(N).values.UUID
    const bad = cli('update', N, '--rebase', images.update!)
    expect(bad.status).toBe(1)
    expect(flat(bad.stderr)).toContain("still contains an unreplaced value for: 'VAR_WITH_NO_DEFAULT'")
    expect(bad.stderr).toContain('SYSBUILD_EXPORTS_TEMPLATE_UNKNOWN_VAR')
    expect(readlinkSync(join(root, 'var/lib/containers/atomic', N))).toBe(`/var/lib/containers/atomic/${N}.0`)
    // busybox nc -ll serves one connection at a time and listens again after each: retry briefly.
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toContain('Hi Tester')
    const good = cli('update', N, '--rebase', images.update!, '--set', 'VAR_WITH_NO_DEFAULT=hi')
    expect(good.status, good.stderr).toBe(0)
    expect(readlinkSync(join(root, 'var/lib/containers/atomic', N))).toBe(`/var/lib/containers/atomic/${N}.1`)
    expect(info(N).values.UUID).toBe(uuid)
    expect(info(N).values.RECEIVER).toBe('Tester')
    // The update image's unit is the plain form; it was running, so it runs again.
    expect(readFileSync(join(root, 'etc/systemd/system', `${N}.service`), 'utf8')).toMatch(/^ExecStop=\S+ kill 'atomic-test-system'$/m)
    // The update image's greet.sh answers with VAR_WITH_NO_DEFAULT.
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toBe('Hi from hi\r\n')
    const again = cli('update', N)
    expect(again.stdout).toContain('Latest version already installed.')
    const back = cli('rollback', N)
    expect(back.status, back.stderr).toBe(0)
    expect(back.stdout).toContain(`Rolling back container ${N} to the checkout at ${root}/var/lib/containers/atomic/${N}.0`)
    expect(readFileSync(join(root, 'etc/systemd/system', `${N}.service`), 'utf8')).toContain('ExecStop=\n')
    expect(await until(() => httpGet(`http://127.0.0.1:${port}/`))).toContain('Hi Tester')
    expect(cli('uninstall', N).status).toBe(0)
    expect(existsSync(join(root, 'var/lib/containers/atomic', `${N}.0`))).toBe(false)
  })

  it('system-container-files-hostfs: renames, templates, checksums; rollback renders with its own values (D6); uninstall keeps a modified file', () => {
    const H = 'hostfs-test'
    const r = cli('install', '--name', H, '--set', 'RECEIVER=First', images.hostfs!)
    expect(r.status, r.stderr).toBe(0)
    const lib = join(root, 'usr/local/lib')
    expect(readFileSync(join(lib, `renamed-${H}`), 'utf8')).toBe('Hello unknown $RECEIVER\n')
    expect(readFileSync(join(lib, 'secret-message'), 'utf8')).toBe('Hello unknown $RECEIVER\n')
    expect(readFileSync(join(lib, 'secret-message-template'), 'utf8')).toBe('hello First\n')
    expect(existsSync(join(lib, 'placeholder-file'))).toBe(false)
    expect(readlinkSync(join(root, 'broken-symlink'))).toBe('/does/not/exist')
    expect(lstatSync(join(root, 'usr/local/placeholder-lib')).isDirectory()).toBe(true)
    for (const f of ['/usr/local/lib/secret-message', '/usr/local/lib/secret-message-template', `/usr/local/lib/renamed-${H}`]) {
      expect(r.stdout).toContain(`Created file ${root}${f}`)
    }
    const checksums = (): Record<string, string> => info(H)['installed-files-checksum']
    const sha = (p: string) => sh('sha256sum', [join(root, p)]).split(' ')[0]
    for (const [p, sum] of Object.entries(checksums())) {
      if (sum === '0') expect(lstatSync(join(root, p)).isDirectory()).toBe(true)
      else if (lstatSync(join(root, p)).isSymbolicLink()) expect(sum).toBe(sh('sh', ['-c', 'printf %s "$1" | sha256sum', 'sh', readlinkSync(join(root, p))]).split(' ')[0])
      else expect(sum).toBe(sha(p))
    }
    expect(Object.keys(checksums())).toEqual(expect.arrayContaining(['/broken-symlink', '/usr/local/placeholder-lib']))
    expect(info(H)['rename-installed-files']).toEqual({'/usr/local/lib/placeholder-file': `/usr/local/lib/renamed-${H}`})

    const up = cli('update', H, '--set', 'RECEIVER=Second')
    expect(up.status, up.stderr).toBe(0)
    expect(readFileSync(join(lib, 'secret-message-template'), 'utf8')).toBe('hello Second\n')
    const back = cli('rollback', H)
    expect(back.status, back.stderr).toBe(0)
    expect(readFileSync(join(lib, 'secret-message-template'), 'utf8')).toBe('hello First\n')
    expect(checksums()['/usr/local/lib/secret-message-template']).toBe(sha('usr/local/lib/secret-message-template'))

    writeFileSync(join(lib, 'secret-message'), 'changed by the admin\n')
    const un = cli('uninstall', H)
    expect(un.status, un.stderr).toBe(0)
    expect(un.stdout).toContain('Will not delete /usr/local/lib/secret-message as it was manually modified.')
    expect(readFileSync(join(lib, 'secret-message'), 'utf8')).toBe('changed by the admin\n')
    for (const gone of ['usr/local/lib/secret-message-template', `usr/local/lib/renamed-${H}`, 'broken-symlink', 'usr/local/placeholder-lib']) {
      expect(existsSync(join(root, gone)) || (() => { try { lstatSync(join(root, gone)); return true } catch { return false } })()).toBe(false)
    }
    rmSync(join(lib, 'secret-message'))
  })

  it('system-container-runonce-files: runs once, prints its greeting, leaves nothing installed', () => {
    const before = treeSnapshot(root, isSysbuildState)
    const r = cli('install', '--name', 'once-test', '--set', 'RECEIVER=Runner', images.once!)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('HI Runner from once-test')
    expect(treeSnapshot(root, (p) => isSysbuildState(p) || p.startsWith('run/sysbuild'))).toEqual(Object.fromEntries(Object.entries(before).filter(([p]) => !p.startsWith('run/sysbuild'))))
    const missing = cli('install', '--name', 'once-test', images.once!)
    expect(missing.status).toBe(1)
    expect(flat(missing.stderr)).toContain("unreplaced value for: 'RECEIVER'")
  })
})

/**
 * examples/etcd-like end to end, as etcd's system container was used: built with
 * `sysbuild build`, installed with --set, its config file renamed to
 * $CONF_DIRECTORY/$NAME, its ctl tool linked onto the host by tmpfiles, state kept in
 * $STATE_DIRECTORY/$NAME across update, rollback and uninstall. Real runc; the HTTP
 * answers of the daemon and the files on the host are the oracles.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, freePort, until} from '../kit/engine-images.js'

const EXAMPLE = join(import.meta.dirname, '../../examples/etcd-like')
const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles', 'curl'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)
const N = 'etcd-like'

let work: string
let root: string
let endpoint: string
const cli = (cmd: string, ...args: string[]) => runCli([cmd, '--root', root, ...args])
const present = (p: string): boolean => {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}
/** Run the host's ctl tool the way the target host would: follow the link tmpfiles made, inside the root. */
function hostctl(...args: string[]): {status: number | null; stdout: string} {
  const link = readlinkSync(join(root, 'usr/local/bin', `${N}ctl`))
  const r = spawnSync('sh', [join(root, link), ...args], {encoding: 'utf8', env: {...process.env, KVDCTL_ENDPOINT: endpoint}})
  return {status: r.status, stdout: r.stdout}
}

beforeAll(async () => {
  if (skip) return
  buildCli()
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-etcd-like-'))
  root = join(work, 'root')
  const port = await freePort()
  endpoint = `http://127.0.0.1:${port}`
  for (const args of [['build', EXAMPLE], ['build', EXAMPLE, '--tag', `${N}:2`]]) {
    const r = cli(args[0]!, ...args.slice(1))
    expect(r.status, r.stderr).toBe(0)
  }
})

afterAll(() => {
  if (skip) return
  const runcRoot = join(root, 'run/sysbuild/runc')
  const list = spawnSync('runc', ['--root', runcRoot, 'list', '-q'], {encoding: 'utf8'})
  for (const id of list.stdout?.split('\n').filter(Boolean) ?? []) spawnSync('runc', ['--root', runcRoot, 'delete', '-f', id])
  rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('examples/etcd-like: a daemon with state, config and a host ctl tool'), () => {
  it('installs: config renamed to $CONF_DIRECTORY/$NAME, ctl linked by tmpfiles, state and run dirs made', () => {
    const r = cli('install', N, '--set', `KVD_LISTEN_CLIENT_URLS=${endpoint}`, '--set', 'KVD_NAME=node1')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Created file ${root}/etc/${N}/kvd.conf`)
    expect(readFileSync(join(root, 'etc', N, 'kvd.conf'), 'utf8')).toContain('KVD_NAME=default')
    expect(readlinkSync(join(root, 'usr/local/bin', `${N}ctl`))).toBe(`/var/lib/containers/atomic/${N}.0/rootfs/usr/bin/kvdctl`)
    expect(lstatSync(join(root, 'var/lib', N)).mode & 0o777).toBe(0o700)
    expect(existsSync(join(root, 'run', N))).toBe(true)
  })

  it('runs: the host tool writes and reads through the daemon; the value lands in the state dir', async () => {
    expect(cli('start', N).status).toBe(0)
    expect(await until(() => (hostctl('put', 'greeting', 'hello').status === 0 ? true : undefined))).toBe(true)
    expect(hostctl('get', 'greeting').stdout).toBe('hello')
    expect(readFileSync(join(root, 'var/lib', N, 'data/greeting'), 'utf8')).toBe('hello')
    const member = cli('run', N, '--', 'kvdctl', 'member')
    expect(member.stdout, member.stderr).toBe('node1\n')
    // The configuration is read-only inside, as etcd's was.
    expect(cli('run', N, '--', 'sh', '-c', 'echo x >/etc/kvd/kvd.conf').status).not.toBe(0)
  })

  it('update and rollback keep the data; the ctl link follows the active deployment', async () => {
    const up = cli('update', N, '--rebase', `${N}:2`, '--set', 'KVD_NAME=node2')
    expect(up.status, up.stderr).toBe(0)
    expect(up.stdout).toContain('KVD_NAME: "node1" → "node2" (set)')
    expect(readlinkSync(join(root, 'usr/local/bin', `${N}ctl`))).toBe(`/var/lib/containers/atomic/${N}.1/rootfs/usr/bin/kvdctl`)
    expect(await until(() => (hostctl('get', 'greeting').stdout === 'hello' ? true : undefined))).toBe(true)
    // etcd keeps its member name across restarts; so does kvd (the state dir survived).
    expect(cli('run', N, '--', 'kvdctl', 'member').stdout).toBe('node1\n')
    const back = cli('rollback', N)
    expect(back.status, back.stderr).toBe(0)
    expect(readlinkSync(join(root, 'usr/local/bin', `${N}ctl`))).toBe(`/var/lib/containers/atomic/${N}.0/rootfs/usr/bin/kvdctl`)
    expect(await until(() => (hostctl('get', 'greeting').stdout === 'hello' ? true : undefined))).toBe(true)
  })

  it('uninstall removes unit, conf, link and deployments; the state stays, as etcd’s did', () => {
    const r = cli('uninstall', N)
    expect(r.status, r.stderr).toBe(0)
    for (const gone of ['etc', 'usr', `var/lib/containers/atomic/${N}`, `var/lib/containers/atomic/${N}.0`, `var/lib/containers/atomic/${N}.1`]) {
      expect(present(join(root, gone)), gone).toBe(false)
    }
    expect(readFileSync(join(root, 'var/lib', N, 'data/greeting'), 'utf8')).toBe('hello')
  })
})

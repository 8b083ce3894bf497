/**
 * A throw-away host with systemd as PID 1, inside runc (environment.md §8.1): its own
 * /etc, /var and /run, the machine's /usr read-only, its own pid, network, ipc, uts,
 * mount and cgroup namespaces. Tests install units into it (from outside with --root,
 * or by running sysbuild inside it) and drive them with its real systemctl.
 * Stopped with SIGRTMIN+3 (systemd's clean shutdown), then deleted, by container id.
 */
import {spawnSync} from 'node:child_process'
import {closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

const DOCKER_DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
]
const CAPS = [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_DAC_READ_SEARCH', 'CAP_NET_ADMIN', 'CAP_IPC_LOCK', 'CAP_SYS_NICE']

export interface TestHostOptions {
  /** Host directories to bind into the test host read-only (same path inside). */
  readonly readOnlyBinds?: readonly string[]
}

export interface TestHost {
  readonly id: string
  /** The test host's / as seen from outside (pass it to sysbuild --root). */
  readonly rootfs: string
  /** Run a command inside (stdin closed). */
  exec(args: readonly string[], env?: Readonly<Record<string, string>>): {status: number | null; stdout: string; stderr: string}
  /** The console output of systemd. */
  log(): string
  stop(): Promise<void>
}

export function testHostBlocker(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root'
  for (const tool of ['runc', '/lib/systemd/systemd']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} not installed`
  }
  return undefined
}

function writeRootfs(rootfs: string): void {
  for (const d of ['etc/systemd/system', 'proc', 'sys', 'dev', 'run', 'tmp', 'usr', 'var/lib', 'var/log', 'root']) mkdirSync(join(rootfs, d), {recursive: true})
  for (const l of ['bin', 'sbin', 'lib', 'lib64']) symlinkSync(`usr/${l}`, join(rootfs, l))
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n')
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
  writeFileSync(join(rootfs, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', {mode: 0o600})
  writeFileSync(join(rootfs, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n')
  writeFileSync(join(rootfs, 'etc/hosts'), '127.0.0.1 localhost\n')
  symlinkSync('../usr/lib/os-release', join(rootfs, 'etc/os-release'))
  writeFileSync(join(rootfs, 'etc/machine-id'), '')
  writeFileSync(join(rootfs, 'etc/systemd/system/sysbuild.target'), '[Unit]\nDescription=sysbuild test host\nRequires=basic.target\nAfter=basic.target\nAllowIsolate=yes\n')
  symlinkSync('sysbuild.target', join(rootfs, 'etc/systemd/system/default.target'))
}

function bundleConfig(rootfs: string, opts: TestHostOptions): unknown {
  const caps = {bounding: CAPS, effective: CAPS, permitted: CAPS}
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: {uid: 0, gid: 0},
      args: ['/lib/systemd/systemd', '--system', '--log-target=console'],
      env: ['container=oci', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      cwd: '/',
      capabilities: caps,
    },
    root: {path: rootfs, readonly: false},
    hostname: 'sysbuild-test-host',
    mounts: [
      {destination: '/proc', type: 'proc', source: 'proc'},
      {destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},
      {destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},
      {destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']},
      {destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev']},
      {destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro']},
      {destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'rw']},
      {destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro']},
      {destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=755']},
      {destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777']},
      ...(opts.readOnlyBinds ?? []).map((p) => ({destination: p, type: 'bind', source: p, options: ['rbind', 'ro']})),
    ],
    linux: {
      namespaces: [{type: 'pid'}, {type: 'network'}, {type: 'ipc'}, {type: 'uts'}, {type: 'mount'}, {type: 'cgroup'}],
      resources: {devices: [{allow: false, access: 'rwm'}, {allow: true, type: 'c', major: 1, minor: 3, access: 'rwm'}, {allow: true, type: 'c', major: 1, minor: 5, access: 'rwm'}, {allow: true, type: 'c', major: 1, minor: 8, access: 'rwm'}, {allow: true, type: 'c', major: 1, minor: 9, access: 'rwm'}, {allow: true, type: 'c', major: 5, minor: 0, access: 'rwm'}, {allow: true, type: 'c', major: 136, access: 'rwm'}, {allow: true, type: 'c', major: 5, minor: 2, access: 'rwm'}]},
    },
  }
}

/** Boot a test host in `dir` (created); resolves once `systemctl is-system-running` says running or degraded. */
export async function startTestHost(dir: string, opts: TestHostOptions = {}): Promise<TestHost> {
  const id = `sbth${process.pid}${Math.random().toString(36).slice(2, 6)}`
  const rootfs = join(dir, 'rootfs')
  const state = join(dir, 'runc')
  mkdirSync(rootfs, {recursive: true})
  writeRootfs(rootfs)
  writeFileSync(join(dir, 'config.json'), JSON.stringify(bundleConfig(rootfs, opts), null, 2))
  const logPath = join(dir, 'console.log')
  const log = openSync(logPath, 'w')
  const started = spawnSync('runc', ['--root', state, 'run', '-d', '--bundle', dir, id], {stdio: ['ignore', log, log]})
  closeSync(log)
  if (started.status !== 0) throw new Error(`the test host did not start: ${readFileSync(logPath, 'utf8')}`)
  const exec: TestHost['exec'] = (args, env = {}) => {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`])
    const r = spawnSync('runc', ['--root', state, 'exec', ...envArgs, id, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
    return {status: r.status, stdout: r.stdout, stderr: r.stderr}
  }
  const stop = async (): Promise<void> => {
    spawnSync('runc', ['--root', state, 'kill', id, '37'])
    for (let i = 0; i < 100; i++) {
      const s = spawnSync('runc', ['--root', state, 'state', id], {encoding: 'utf8'})
      if (s.status !== 0 || JSON.parse(s.stdout).status === 'stopped') break
      await sleep(100)
    }
    spawnSync('runc', ['--root', state, 'delete', '-f', id])
  }
  let state0 = ''
  for (let i = 0; i < 100; i++) {
    state0 = exec(['systemctl', 'is-system-running']).stdout.trim()
    if (state0 === 'running' || state0 === 'degraded') break
    await sleep(200)
  }
  if (state0 !== 'running' && state0 !== 'degraded') {
    await stop()
    throw new Error(`the test host did not boot (${state0}): ${readFileSync(logPath, 'utf8').slice(-2000)}`)
  }
  return {id, rootfs, exec, log: () => readFileSync(logPath, 'utf8'), stop}
}

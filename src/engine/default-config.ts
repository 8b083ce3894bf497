/**
 * The config.json written when an image has neither `config.json` nor
 * `config.json.template` (atomic-semantics.md §6.1, D9): what a non-rootless
 * `runc spec` gives, read-only, `rootfs`, no terminal, with the image's own
 * Entrypoint/Cmd, Env and WorkingDir when it has them (else atomic's `run.sh`).
 */
import type {ImageConfig} from '../image/index.js'

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']

export function defaultRuntimeConfig(image: ImageConfig | undefined): Record<string, unknown> {
  const c = image?.config ?? {}
  const args = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])]
  const env = c.Env && c.Env.length > 0 ? [...c.Env] : [DEFAULT_PATH]
  if (!env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm')
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: {uid: 0, gid: 0},
      args: args.length > 0 ? args : ['run.sh'],
      env,
      cwd: c.WorkingDir || '/',
      capabilities: {bounding: CAPS, effective: CAPS, permitted: CAPS, ambient: CAPS},
      rlimits: [{type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024}],
      noNewPrivileges: true,
    },
    root: {path: 'rootfs', readonly: true},
    hostname: 'runc',
    mounts: [
      {destination: '/proc', type: 'proc', source: 'proc'},
      {destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},
      {destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},
      {destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']},
      {destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev']},
      {destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro']},
      {destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro']},
    ],
    linux: {
      resources: {devices: [{allow: false, access: 'rwm'}]},
      namespaces: [{type: 'pid'}, {type: 'network'}, {type: 'ipc'}, {type: 'uts'}, {type: 'mount'}],
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  }
}

/**
 * A private dockerd for tests (build-docker, registry-docker-daemon): its own data root, exec root
 * and socket under a temp dir, no bridge and no iptables rules; stopped by its PID (SIGTERM, then SIGKILL), its
 * mounts unmounted and the cgroups it created removed. Needs root.
 */
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, openSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, readdir, rm, rmdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

export interface TestDockerd {
  /** The API socket path. */
  readonly socket: string
  /** `unix://…`, for DOCKER_HOST. */
  readonly host: string
  readonly pid: number
  /** Run the docker CLI against this daemon; returns stdout. */
  docker(...args: string[]): string
  stop(): Promise<void>
}

async function dockerCgroups(): Promise<string[]> {
  const out: string[] = []
  for (const c of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
    const p = join('/sys/fs/cgroup', c, 'docker')
    if (existsSync(p)) out.push(p)
  }
  return out
}

export async function startDockerd(): Promise<TestDockerd> {
  const w = await mkdtemp(join(tmpdir(), 'sb-dockerd-'))
  const d = join(w, 'dockerd')
  await mkdir(d)
  const socket = join(d, 'docker.sock')
  const host = `unix://${socket}`
  const cgroupsBefore = new Set(await dockerCgroups())
  const log = openSync(join(d, 'log'), 'w')
  const child = spawn('dockerd', ['--data-root', join(d, 'data'), '--exec-root', join(d, 'exec'), '--pidfile', join(d, 'dockerd.pid'),
    '-H', host, '--iptables=false', '--ip6tables=false', '--bridge=none'], {stdio: ['ignore', log, log], detached: true})
  const pid = child.pid
  if (pid === undefined) throw new Error('dockerd did not start')
  child.unref()
  const docker = (...args: string[]): string =>
    execFileSync('docker', args, {encoding: 'utf8', env: {...process.env, DOCKER_HOST: host}, timeout: 120_000, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe']})

  const stop = async (): Promise<void> => {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {}
    for (let i = 0; i < 80; i++) {
      try {
        process.kill(pid, 0)
        await sleep(250)
      } catch {
        break
      }
    }
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(w))
    for (const m of mounts.reverse()) {
      try {
        execFileSync('umount', [m])
      } catch {}
    }
    for (const c of await dockerCgroups()) if (!cgroupsBefore.has(c)) await rmdir(c).catch(() => {})
    await rm(w, {recursive: true, force: true})
  }

  for (let i = 0; i < 120; i++) {
    try {
      docker('version')
      return {socket, host, pid, docker, stop}
    } catch {
      await sleep(250)
    }
  }
  const text = await readFile(join(d, 'log'), 'utf8')
  await stop()
  throw new Error(`dockerd did not start: ${text}`)
}

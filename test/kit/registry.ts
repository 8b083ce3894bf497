/**
 * The real CNCF registry (Debian's `docker-registry`, distribution 2.8) on 127.0.0.1 for tests: plain,
 * htpasswd basic auth, or token auth against a token server from registry-token-server.ts. Each registry has
 * its own config and storage under a temp dir, writes its access log (every request line) to a file, and is
 * stopped by its PID.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {strictTools} from './tools.js'

export const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

/** Why registry tests cannot run here, or undefined when they can; with SYSBUILD_TEST_STRICT set (CI), a missing tool throws instead. */
export function registrySkipReason(...extra: string[]): string | undefined {
  const missing = ['docker-registry', 'htpasswd', 'openssl', ...extra].filter((c) => !hasCommand(c))
  const why = missing.length ? `missing ${missing.join(', ')} (apt-get install docker-registry apache2-utils openssl skopeo umoci)` : undefined
  if (why && strictTools()) throw new Error(`${why}, and SYSBUILD_TEST_STRICT is set: registry tests must run`)
  return why
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface AccessLine {
  readonly method: string
  /** Path and query. */
  readonly path: string
  readonly status: number
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string
  readonly url: string
  readonly pid: number
  readonly dir: string
  /** Requests the registry served so far (from its access log). */
  accessLog(): AccessLine[]
  /** Access log lines from now on: `mark()` then `accessLog().slice(n)`. */
  mark(): number
  /** Everything the registry printed (for failure messages). */
  output(): string
  stop(): Promise<void>
}

export interface RegistryOptions {
  /** Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (made with openssl). */
  readonly tls?: boolean
  readonly auth?: {readonly htpasswd: Record<string, string>} | {readonly token: {readonly realm: string; readonly service: string; readonly issuer: string; readonly certFile: string}}
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'sysbuild-reg-'))
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const lines = [
    'version: 0.1',
    'log: {level: warn, accesslog: {disabled: false}}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: "${host}", secret: test-not-secret}`,
  ]
  if (opts.tls) {
    const key = join(dir, 'tls.key')
    const cert = join(dir, 'tls.crt')
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2', '-keyout', key, '-out', cert], {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`)
    lines[3] = `http: {addr: "${host}", secret: test-not-secret, tls: {certificate: ${cert}, key: ${key}}}`
  }
  if (opts.auth && 'htpasswd' in opts.auth) {
    const file = join(dir, 'htpasswd')
    const entries = Object.entries(opts.auth.htpasswd).map(([user, pass]) => {
      const r = spawnSync('htpasswd', ['-Bbn', user, pass], {encoding: 'utf8'})
      if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`)
      return r.stdout.trim()
    })
    writeFileSync(file, `${entries.join('\n')}\n`)
    lines.push(`auth: {htpasswd: {realm: basic-realm, path: ${file}}}`)
  } else if (opts.auth && 'token' in opts.auth) {
    const t = opts.auth.token
    lines.push(`auth: {token: {realm: "${t.realm}", service: ${t.service}, issuer: ${t.issuer}, rootcertbundle: ${t.certFile}}}`)
  }
  const config = join(dir, 'config.yml')
  writeFileSync(config, `${lines.join('\n')}\n`)
  mkdirSync(join(dir, 'data'))
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {stdio: ['ignore', 'pipe', 'pipe']})
  const chunks: string[] = []
  const collect = (b: Buffer) => {
    chunks.push(b.toString('utf8'))
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const pid = child.pid
  if (pid === undefined) throw new Error('docker-registry did not start')
  let exited = false
  child.once('exit', () => {
    exited = true
  })

  const stop = async (): Promise<void> => {
    if (!exited) {
      process.kill(pid, 'SIGTERM')
      for (let i = 0; i < 100 && !exited; i++) await sleep(100)
      if (!exited) process.kill(pid, 'SIGKILL')
    }
    rmSync(dir, {recursive: true, force: true})
  }

  for (let i = 0; ; i++) {
    if (exited) throw new Error(`docker-registry exited: ${chunks.join('')}`)
    const ok = opts.tls
      ? ['200', '401'].includes(spawnSync('curl', ['-ks', '-o', '/dev/null', '-w', '%{http_code}', `https://${host}/v2/`], {encoding: 'utf8'}).stdout)
      : await fetch(`http://${host}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false)
    if (ok) break
    if (i > 80) {
      await stop()
      throw new Error(`docker-registry did not come up on ${host}: ${chunks.join('')}`)
    }
    await sleep(125)
  }
  const accessLog = (): AccessLine[] =>
    chunks
      .join('')
      .split('\n')
      .flatMap((line) => {
        const m = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/.exec(line)
        return m ? [{method: m[1]!, path: m[2]!, status: Number(m[3])}] : []
      })
  return {
    host,
    url: `${opts.tls ? 'https' : 'http'}://${host}`,
    pid,
    dir,
    accessLog,
    mark: () => accessLog().length,
    output: () => chunks.join(''),
    stop,
  }
}

/** Read a file the registry stores for a blob (for corruption tests). */
export const registryBlobPath = (reg: TestRegistry, digest: string): string =>
  join(reg.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7), 'data')

export const readRegistryBlob = (reg: TestRegistry, digest: string): Buffer => readFileSync(registryBlobPath(reg, digest))

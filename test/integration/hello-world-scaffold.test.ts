/**
 * The scaffolds really run. A bundle is put together by hand, the way install will:
 * the build spec read by Python's tomllib, rootfs/ and the [[copy]] entries copied with
 * cp/install, config.json.template and tmpfiles.template rendered by Python's
 * string.Template, the directories made by systemd-tmpfiles; then real runc runs it
 * (private --root, cleaned up with `runc delete -f`) and curl-like HTTP from node checks
 * the hello-world greeting. Needs root, runc, /bin/busybox (busybox-static) and python3.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {initProject} from '../../src/exports/index.js'

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
const missing = [
  process.getuid?.() === 0 ? undefined : 'not root',
  has('runc') ? undefined : 'runc not installed',
  existsSync('/bin/busybox') ? undefined : '/bin/busybox missing (apt-get install busybox-static)',
  has('python3') ? undefined : 'python3 not installed',
].filter(Boolean)
const skip = missing.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${missing.join(', ')})` : t)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function python(script: string, input: string): any {
  const r = spawnSync('python3', ['-c', script], {input, encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
const render = (text: string, values: Record<string, string>): string =>
  python('import json, string, sys\nd = json.load(sys.stdin)\nprint(json.dumps(string.Template(d["t"]).substitute(d["v"])))', JSON.stringify({t: text, v: values}))

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as {port: number}).port
  await new Promise((r) => srv.close(r))
  return port
}

let work: string
const started: string[] = []
const runc = (...args: string[]) => spawnSync('runc', ['--root', join(work, 'runc'), ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})

beforeAll(() => {
  if (!skip) work = mkdtempSync(join(tmpdir(), 'sysbuild-scaffold-run-'))
})
afterAll(() => {
  if (skip) return
  for (const id of started) runc('delete', '-f', id)
  rmSync(work, {recursive: true, force: true})
})

interface Bundle {
  readonly id: string
  readonly bundle: string
  readonly values: Record<string, string>
  readonly project: string
}

/** init → bundle (rootfs + config.json) → host directories, as install would lay them out. */
async function prepare(template: string, id: string, extra: Record<string, string> = {}): Promise<Bundle> {
  const project = join(work, `${id}-project`)
  await initProject({name: id, template, dir: project})
  const spec = python('import json, sys, tomllib\nprint(json.dumps(tomllib.loads(sys.stdin.read())))', readFileSync(join(project, 'sysbuild.toml'), 'utf8'))
  const bundle = join(work, `${id}-bundle`)
  const rootfs = join(bundle, 'rootfs')
  mkdirSync(rootfs, {recursive: true})
  for (const dir of spec.rootfs) expect(spawnSync('cp', ['-a', `${join(project, dir)}/.`, `${rootfs}/`]).status).toBe(0)
  for (const c of spec.copy) expect(spawnSync('install', ['-D', '-m', c.mode, c.source, join(rootfs, c.destination)]).status).toBe(0)
  const manifest = JSON.parse(readFileSync(join(project, 'exports', 'manifest.json'), 'utf8'))
  const host = join(work, `${id}-host`)
  const values = {
    ...manifest.defaultValues,
    ...extra,
    NAME: id,
    RUN_DIRECTORY: `${host}/run`,
    STATE_DIRECTORY: `${host}/var/lib`,
    CONF_DIRECTORY: `${host}/etc`,
    HOST_UID: '0',
    HOST_GID: '0',
    RUNTIME: 'runc',
  }
  const config = render(readFileSync(join(project, 'exports', 'config.json.template'), 'utf8'), values)
  expect(JSON.parse(config).root).toEqual({path: 'rootfs', readonly: true})
  writeFileSync(join(bundle, 'config.json'), config)
  const tmpfiles = join(work, `${id}-tmpfiles.conf`)
  writeFileSync(tmpfiles, render(readFileSync(join(project, 'exports', 'tmpfiles.template'), 'utf8'), values))
  if (has('systemd-tmpfiles')) expect(spawnSync('systemd-tmpfiles', ['--create', tmpfiles]).status).toBe(0)
  else for (const l of readFileSync(tmpfiles, 'utf8').split('\n')) if (l.startsWith('d ')) mkdirSync(l.split(/\s+/)[1]!, {recursive: true})
  return {id, bundle, values, project}
}

function runDetached(b: Bundle): void {
  const log = openSync(join(work, `${b.id}.log`), 'w')
  started.push(b.id)
  const r = spawnSync('runc', ['--root', join(work, 'runc'), 'run', '-d', '--bundle', b.bundle, b.id], {stdio: ['ignore', log, log]})
  closeSync(log)
  expect(r.status, readFileSync(join(work, `${b.id}.log`), 'utf8')).toBe(0)
}

const status = (id: string): string | undefined => {
  const r = runc('state', id)
  return r.status === 0 ? (JSON.parse(r.stdout).status as string) : undefined
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, tries = 150): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const v = await probe()
    if (v !== undefined) return v
    await sleep(100)
  }
  return undefined
}

/** SIGTERM (what `runc kill`, the unit's ExecStop, sends) must end the container. */
async function stopsOnTerm(id: string): Promise<void> {
  expect(runc('kill', id, 'TERM').status).toBe(0)
  expect(await until(() => (status(id) === 'stopped' ? true : undefined))).toBe(true)
  runc('delete', '-f', id)
}

describe.skipIf(skip)(title('hello-world scaffold under runc'), () => {
  it('answers on $PORT with a greeting naming $RECEIVER, from a read-only rootfs with three capabilities', async () => {
    const port = await freePort()
    const id = `sbhw${process.pid}`
    const b = await prepare('hello-world', id, {PORT: `127.0.0.1:${port}`, RECEIVER: 'Sysbuild Tester'})
    runDetached(b)
    const body = await until(async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`)
        return res.ok ? await res.text() : undefined
      } catch {
        return undefined
      }
    })
    expect(body).toBe(`Hello Sysbuild Tester from sysbuild ${id}!\n`)
    // The greeting lives in ${RUN_DIRECTORY}/${NAME} on the host, through the bind mount.
    expect(readFileSync(join(b.values.RUN_DIRECTORY!, id, 'index.html'), 'utf8')).toBe(body)
    const touch = runc('exec', id, '/bin/busybox', 'touch', '/should-fail')
    expect(touch.status).not.toBe(0)
    expect(touch.stderr + touch.stdout).toMatch(/Read-only file system/)
    // CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29): the capabilities object took effect.
    const caps = runc('exec', id, '/bin/busybox', 'grep', 'CapEff', '/proc/1/status')
    expect(caps.stdout.trim()).toBe(`CapEff:\t${((1n << 5n) | (1n << 10n) | (1n << 29n)).toString(16).padStart(16, '0')}`)
    await stopsOnTerm(id)
  })
})

describe.skipIf(skip)(title('the other scaffolds under runc'), () => {
  it('service: keeps state, writes a heartbeat, reads its config dir read-only, stops on TERM', async () => {
    const id = `sbsvc${process.pid}`
    const b = await prepare('service', id, {INTERVAL: '1'})
    runDetached(b)
    const state = join(b.values.STATE_DIRECTORY!, id, 'starts')
    expect(await until(() => (existsSync(state) ? readFileSync(state, 'utf8') : undefined))).toBe('1\n')
    expect(await until(() => (existsSync(join(b.values.RUN_DIRECTORY!, id, 'heartbeat')) ? true : undefined))).toBe(true)
    expect(runc('exec', id, '/bin/busybox', 'touch', `/etc/${id}/x`).status).not.toBe(0)
    await stopsOnTerm(id)
  })

  it('run-once: runs in the foreground, exits 0 and leaves its record in the state directory', async () => {
    const id = `sbonce${process.pid}`
    const b = await prepare('run-once', id, {MESSAGE: 'one shot'})
    const logPath = join(work, `${id}.log`)
    const log = openSync(logPath, 'w')
    started.push(id)
    const r = spawnSync('runc', ['--root', join(work, 'runc'), 'run', '--bundle', b.bundle, id], {stdio: ['ignore', log, log], timeout: 60_000})
    closeSync(log)
    expect(r.status, readFileSync(logPath, 'utf8')).toBe(0)
    expect(readFileSync(logPath, 'utf8')).toContain('one shot')
    expect(readFileSync(join(b.values.STATE_DIRECTORY!, id, 'runs.log'), 'utf8')).toMatch(/^\S+Z one shot\n$/)
  })

  it('hostfs: the service reads the configuration file hostfs ships (after renameFiles)', async () => {
    const id = `sbhost${process.pid}`
    const b = await prepare('hostfs', id)
    // What install does with exports/hostfs/etc/<image name>: renameFiles → ${CONF_DIRECTORY}/${NAME}.
    const manifest = JSON.parse(readFileSync(join(b.project, 'exports', 'manifest.json'), 'utf8'))
    const [[from, to]] = Object.entries(manifest.renameFiles) as [string, string][]
    cpSync(join(b.project, 'exports', 'hostfs', from!), render(to!, b.values), {recursive: true})
    runDetached(b)
    const logPath = join(work, `${id}.log`)
    expect(await until(() => (readFileSync(logPath, 'utf8').includes('Hello from the host') ? true : undefined))).toBe(true)
    await stopsOnTerm(id)
  })
})

/**
 * The scaffolds `sysbuild init` writes, checked with tools we did not write: Python's
 * string.Template renders the templates (the engine atomic used), Python's json and
 * tomllib parse them, systemd-tmpfiles creates the directories, systemd-analyze
 * verifies the unit. The on-disk side (modes, --force, refusals) is in test/commands/init.test.ts.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {validateWithSchema} from '../../src/core/index.js'
import {planProject, SCAFFOLD_TEMPLATES, type ScaffoldPlan} from '../../src/exports/index.js'
import {needTool} from '../kit/tools.js'

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sysbuild-scaffold-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

/** Run a Python snippet with `input` on stdin; its stdout is parsed as JSON. */
function python(script: string, input: string): any {
  const r = spawnSync('python3', ['-c', script], {input, encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
const RENDER = 'import json, string, sys\nd = json.load(sys.stdin)\nprint(json.dumps(string.Template(d["text"]).substitute(d["values"])))'
const render = (text: string, values: Record<string, string>): string => python(RENDER, JSON.stringify({text, values}))
const tomlToJson = (text: string): any => python('import json, sys, tomllib\nprint(json.dumps(tomllib.loads(sys.stdin.read())))', text)

const fileOf = (plan: ScaffoldPlan, path: string): string => {
  const f = plan.files.find((x) => x.path === path)
  if (!f) throw new Error(`${path} not in the plan`)
  return f.content
}

function installValues(plan: ScaffoldPlan, base: string, name: string): Record<string, string> {
  const manifest = JSON.parse(fileOf(plan, 'exports/manifest.json')) as {defaultValues: Record<string, string>}
  return {
    ...manifest.defaultValues,
    NAME: name,
    DESTDIR: base,
    RUN_DIRECTORY: `${base}/run`,
    STATE_DIRECTORY: `${base}/var/lib`,
    CONF_DIRECTORY: `${base}/etc`,
    HOST_UID: '0',
    HOST_GID: '0',
    EXEC_START: `/usr/bin/runc run '${name}'`,
    EXEC_STOP: `/usr/bin/runc kill '${name}'`,
    RUNTIME: '/usr/bin/runc',
  }
}

describe.each(SCAFFOLD_TEMPLATES.map((t) => [t]))('scaffold %s', (template) => {
  let plan: ScaffoldPlan
  beforeAll(async () => {
    plan = await planProject({name: `example/demo-${template}`, template, dir: join(work, template)})
  })

  it('has a build spec, a README, a run script, all four exports files and an empty hostfs/', () => {
    const paths = plan.files.map((f) => f.path)
    const exportsFiles = ['manifest.json', 'config.json.template', 'service.template', 'tmpfiles.template'].map((f) => `exports/${f}`)
    expect(paths).toEqual(expect.arrayContaining(['sysbuild.toml', 'README.md', 'rootfs/usr/bin/run.sh', ...exportsFiles]))
    expect(plan.dirs).toContain('exports/hostfs')
    expect(plan.dir).toBe(join(work, template))
    expect(plan.template).toBe(template)
  })

  it('ends every file with a newline, fills every marker, makes scripts executable', () => {
    for (const f of plan.files) {
      expect(f.content.endsWith('\n'), f.path).toBe(true)
      expect(f.content, f.path).not.toMatch(/@[A-Z_]+@/)
      expect(f.path).not.toContain('@')
      expect(f.mode, f.path).toBe(f.content.startsWith('#!') ? 0o755 : 0o644)
    }
    expect(fileOf(plan, 'rootfs/usr/bin/run.sh').startsWith('#!/bin/busybox sh\n')).toBe(true)
    expect(fileOf(plan, 'README.md')).toContain(`# demo-${template}\n`)
  })

  it('writes a build spec that Python reads and the build-spec schema accepts', () => {
    const spec = tomlToJson(fileOf(plan, 'sysbuild.toml'))
    expect(validateWithSchema('exports', 'build-spec', spec)).toEqual([])
    expect(spec.name).toBe(`example/demo-${template}`)
    expect(spec.labels['atomic.type']).toBe('system')
    expect(spec.labels['atomic.run']).toBe(template === 'run-once' ? 'once' : undefined)
    expect(spec.copy).toEqual([{source: '/bin/busybox', destination: '/bin/busybox', mode: '0755'}])
    for (const dir of spec.rootfs) expect(plan.files.some((f) => f.path.startsWith(`${dir}/`))).toBe(true)
  })

  it('renders config.json.template to a runtime-spec 1.x config with a small, safe capability set', () => {
    const config = JSON.parse(render(fileOf(plan, 'exports/config.json.template'), installValues(plan, '/srv/t', 'demo')))
    expect(config.ociVersion).toBe('1.0.2')
    expect(config.root).toEqual({path: 'rootfs', readonly: true})
    expect(config.process.terminal).toBe(false)
    const caps = config.process.capabilities
    expect(Object.keys(caps).sort()).toEqual(['bounding', 'effective', 'inheritable', 'permitted'])
    for (const list of Object.values(caps) as string[][]) expect([...list].sort()).toEqual(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'])
    expect(JSON.stringify(config)).not.toContain('CAP_SYS_RESOURCE')
    expect(config.linux.capabilities).toBeUndefined()
    const ns = config.linux.namespaces.map((n: {type: string}) => n.type)
    expect(ns).toEqual(expect.arrayContaining(['pid', 'ipc', 'mount', 'uts']))
    // hello-world serves on the host network like upstream's image; the others are isolated.
    expect(ns.includes('network')).toBe(template !== 'hello-world')
    const dests = config.mounts.map((m: {destination: string}) => m.destination)
    expect(dests).toEqual(expect.arrayContaining(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/tmp']))
    expect(config.mounts.find((m: {destination: string}) => m.destination === '/tmp').type).toBe('tmpfs')
    expect(config.hostname).toBe('demo')
  })

  it('takes every bind source from the variables, and tmpfiles.template creates each one', (ctx) => {
    const base = join(work, `host-${template}`)
    const values = installValues(plan, base, 'demo')
    const config = JSON.parse(render(fileOf(plan, 'exports/config.json.template'), values))
    const binds: string[] = config.mounts.filter((m: {type: string}) => m.type === 'bind').map((m: {source: string}) => m.source)
    expect(binds.length).toBeGreaterThan(0)
    for (const b of binds) expect(b).toMatch(new RegExp(`^${base}/(run|var/lib|etc)/demo$`))
    expect(binds).toContain(`${base}/${template === 'run-once' ? 'var/lib' : 'run'}/demo`)
    if (template === 'service') expect(binds).toEqual(expect.arrayContaining([`${base}/var/lib/demo`, `${base}/etc/demo`]))
    const tmpfiles = render(fileOf(plan, 'exports/tmpfiles.template'), values)
    expect(fileOf(plan, 'exports/tmpfiles.template')).toContain('${HOST_UID} ${HOST_GID}')
    needTool(ctx, 'systemd-tmpfiles')
    const conf = join(work, `tmpfiles-${template}.conf`)
    writeFileSync(conf, tmpfiles)
    const r = spawnSync('systemd-tmpfiles', ['--create', conf], {encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    for (const b of binds) expect(statSync(b).isDirectory(), b).toBe(true)
  })

  it('has a unit template that systemd-analyze verify accepts once rendered', (ctx) => {
    const text = fileOf(plan, 'exports/service.template')
    for (const line of ['ExecStart=$EXEC_START', 'ExecStop=$EXEC_STOP', 'WorkingDirectory=$DESTDIR', 'Restart=on-failure', 'WantedBy=multi-user.target']) {
      expect(text.split('\n')).toContain(line)
    }
    needTool(ctx, 'systemd-analyze', '/usr/bin/runc')
    const dir = join(work, `unit-${template}`)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'demo.service'), render(text, installValues(plan, dir, 'demo')))
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'demo.service')], {encoding: 'utf8'})
    expect(r.stderr.split('\n').filter((l) => l.includes('demo.service'))).toEqual([])
    expect(r.status).toBe(0)
  })
})

describe('hostfs scaffold', () => {
  it('renames its configuration directory with $NAME and renders the file installedFilesTemplate lists', async () => {
    const plan = await planProject({name: 'shipper', template: 'hostfs', dir: join(work, 'shipper')})
    const manifest = JSON.parse(fileOf(plan, 'exports/manifest.json'))
    const hostfs = plan.files.filter((f) => f.path.startsWith('exports/hostfs/')).map((f) => f.path.slice('exports/hostfs'.length))
    expect(hostfs.sort()).toEqual(['/etc/shipper/shipper.conf', '/usr/local/bin/shipper-status'])
    const values = installValues(plan, '/srv/h', 'ship2')
    // renameFiles: a hostfs directory → a path built from the install values.
    expect(Object.keys(manifest.renameFiles)).toEqual(['/etc/shipper'])
    expect(render(manifest.renameFiles['/etc/shipper'], values)).toBe('/srv/h/etc/ship2')
    // installedFilesTemplate: a hostfs file that is not renamed, rendered at install time.
    expect(manifest.installedFilesTemplate).toEqual(['/usr/local/bin/shipper-status'])
    const script = render(fileOf(plan, 'exports/hostfs/usr/local/bin/shipper-status'), values)
    expect(script).toContain("/usr/bin/runc state 'ship2'")
    expect(plan.files.find((f) => f.path.endsWith('shipper-status'))!.mode).toBe(0o755)
  })
})

describe('init options', () => {
  it('merges --default values into manifest.json, later ones winning, split at the first =', async () => {
    const plan = await planProject({name: 'hw', defaults: ['PORT=9090', 'EXTRA=a=b', 'EXTRA=c=d'], dir: join(work, 'd')})
    const manifest = JSON.parse(fileOf(plan, 'exports/manifest.json'))
    expect(manifest).toEqual({version: '1.0', defaultValues: {PORT: '9090', RECEIVER: 'World', EXTRA: 'c=d'}})
  })

  it('puts --description into the unit and the summary label, escaped for each', async () => {
    const description = 'Costs $5 & 100% "fun" \\o/'
    const plan = await planProject({name: 'hw', description, dir: join(work, 'e')})
    expect(tomlToJson(fileOf(plan, 'sysbuild.toml')).labels.summary).toBe(description)
    // Rendered by the template engine, the unit line carries systemd's %% escape for a literal %.
    const unit = render(fileOf(plan, 'exports/service.template'), {EXEC_START: 'x', EXEC_STOP: 'y', DESTDIR: '/'})
    expect(unit.split('\n')).toContain(`Description=${description.replace('%', '%%')}`)
  })

  it('uses the last component of the image name for the directory and the container', async () => {
    const cwd = process.cwd()
    const plan = await planProject({name: 'example/etcd', template: 'service'})
    expect(plan.dir).toBe(join(cwd, 'etcd'))
    expect(tomlToJson(fileOf(plan, 'sysbuild.toml')).name).toBe('example/etcd')
    expect(fileOf(plan, 'exports/config.json.template')).toContain('"destination": "/var/lib/etcd"')
  })

  it.each([
    [{name: 'x', template: 'nope'}, 'SYSBUILD_INIT_UNKNOWN_TEMPLATE'],
    [{name: 'Hello'}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'a//b'}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: '-x'}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'x', defaults: ['PORT']}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'x', defaults: ['1X=a']}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'x', defaults: ['STATE_DIRECTORY=/srv']}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'x', defaults: ['NAME=y']}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'x', description: 'two\nlines'}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
    [{name: 'x', description: ' '}, 'SYSBUILD_USAGE_INVALID_ARGUMENT'],
  ])('refuses %j with %s', async (opts, code) => {
    await expect(planProject({dir: join(work, 'never'), ...opts})).rejects.toMatchObject({code})
    expect(existsSync(join(work, 'never'))).toBe(false)
  })
})

/**
 * The runtime config schema and the legacy normalisation, checked against tools we did
 * not write: `runc spec` (runc's own idea of a valid config.json) must validate, and
 * Python's jsonschema must agree with our ajv-based validation on every document.
 */
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {packagePath} from '../../src/core/index.js'
import {findLegacyShapes, normaliseLegacyConfig, parseManifest, renderTemplate, validateRuntimeConfig} from '../../src/exports/index.js'
import {sampleValues} from '../../src/exports/lint/sample-values.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const SCHEMA = packagePath('src', 'exports', 'schema', 'runtime-config.schema.json')
const hasRunc = spawnSync('runc', ['--version']).status === 0
// Python with the jsonschema module: Debian's python3-jsonschema lives in /usr/bin/python3; a pyenv python may have it too.
const PYTHON = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import jsonschema']).status === 0)
const hasJsonschema = PYTHON !== undefined
const SETS: Record<string, Record<string, string>> = {
  'system-container-update-files': {VAR_WITH_NO_DEFAULT: 'x'},
  'system-container-runonce-files': {RECEIVER: 'x'},
}

/** Every corpus config.json.template rendered with its defaults and sample host values, by dir name. */
function corpusConfigs(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>()
  if (!existsSync(CORPUS)) return out
  for (const group of ['atomic-system-containers', 'atomic-test-images']) {
    for (const dir of readdirSync(join(CORPUS, group))) {
      const t = join(CORPUS, group, dir, 'config.json.template')
      if (!existsSync(t)) continue
      const m = join(CORPUS, group, dir, 'manifest.json')
      const defaults = existsSync(m) ? parseManifest(readFileSync(m, 'utf8'), 'manifest.json').defaults : {}
      const values = sampleValues({name: dir, defaults, set: SETS[dir] ?? {}}).values
      out.set(dir, JSON.parse(renderTemplate(readFileSync(t, 'utf8'), values, 'config.json.template')) as Record<string, unknown>)
    }
  }
  return out
}

const BASE = {
  ociVersion: '1.0.2',
  process: {terminal: false, user: {uid: 0, gid: 0}, args: ['/bin/sh'], env: ['PATH=/bin'], cwd: '/', capabilities: {bounding: ['CAP_KILL']}},
  root: {path: 'rootfs', readonly: true},
  mounts: [{destination: '/proc', type: 'proc', source: 'proc'}],
  linux: {namespaces: [{type: 'pid'}, {type: 'mount'}]},
}
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const variant = (f: (c: Json) => void): Json => {
  const c = structuredClone(BASE) as Json
  f(c)
  return c
}

/** Broken (or legacy) variants with the pointer each must be reported at ('' = valid). */
const VARIANTS: [string, Json, string][] = [
  ['base', variant(() => {}), ''],
  ['no ociVersion', variant((c) => delete c.ociVersion), ''],
  ['terminal as a string', variant((c) => (c.process.terminal = 'false')), '/process/terminal'],
  ['unknown namespace', variant((c) => (c.linux.namespaces[0].type = 'net')), '/linux/namespaces/0/type'],
  ['capability without CAP_', variant((c) => (c.process.capabilities.bounding = ['KILL'])), '/process/capabilities/bounding/0'],
  ['capabilities as a string', variant((c) => (c.process.capabilities = 'CAP_KILL')), '/process/capabilities'],
  ['capability list holding a number', variant((c) => (c.process.capabilities = [1])), '/process/capabilities/0'],
  ['mount without destination', variant((c) => (c.mounts = [{type: 'tmpfs', source: 'tmpfs'}])), '/mounts/0'],
  ['negative uid', variant((c) => (c.process.user.uid = -1)), '/process/user/uid'],
  ['rlimit without hard', variant((c) => (c.process.rlimits = [{type: 'RLIMIT_NOFILE', soft: 1}])), '/process/rlimits/0'],
  ['hook without path', variant((c) => (c.hooks = {poststart: [{args: ['x']}]})), '/hooks/poststart/0'],
  ['hook timeout 0', variant((c) => (c.hooks = {poststop: [{path: '/bin/true', timeout: 0}]})), '/hooks/poststop/0/timeout'],
  ['bad seccomp action', variant((c) => (c.linux.seccomp = {defaultAction: 'SCMP_ACT_NOPE'})), '/linux/seccomp/defaultAction'],
  ['empty seccomp action with syscalls', variant((c) => (c.linux.seccomp = {defaultAction: '', syscalls: [{names: ['read'], action: 'SCMP_ACT_ALLOW'}]})), '/linux/seccomp/defaultAction'],
  ['bad propagation', variant((c) => (c.linux.rootfsPropagation = 'recursive')), '/linux/rootfsPropagation'],
  ['device without type', variant((c) => (c.linux.devices = [{path: '/dev/x'}])), '/linux/devices/0'],
  ['annotations with a number', variant((c) => (c.annotations = {a: 1})), '/annotations/a'],
  ['memory limit as a string', variant((c) => (c.linux.resources = {memory: {limit: '1G'}})), '/linux/resources/memory/limit'],
  ['oomScoreAdj out of range', variant((c) => (c.process.oomScoreAdj = 2000)), '/process/oomScoreAdj'],
  // legacy shapes runc 1.1 runs: accepted by the schema
  ['legacy platform', variant((c) => (c.platform = {os: 'linux', arch: 'amd64'})), ''],
  ['legacy capability list', variant((c) => (c.process.capabilities = ['CAP_KILL'])), ''],
  ['legacy linux.capabilities', variant((c) => (c.linux.capabilities = {bounding: ['CAP_KILL']})), ''],
  ['legacy null lists', variant((c) => ((c.linux.devices = null), (c.linux.seccomp = {defaultAction: '', architectures: null}))), ''],
  ['legacy empty hooks', variant((c) => ((c.hooks = {}), (c.linux.selinuxProcessLabel = ''), (c.linux.apparmorProfile = ''))), ''],
  ['rslave propagation', variant((c) => (c.linux.rootfsPropagation = 'rslave')), ''],
  ['unknown keys', variant((c) => ((c.vendorThing = 1), (c.process.custom = {}))), ''],
]

describe('validateRuntimeConfig', () => {
  it.each(VARIANTS)('%s', (_, config, pointer) => {
    const problems = validateRuntimeConfig(config)
    if (_ === 'no ociVersion') {
      expect(problems).toEqual([{pointer: '', target: '/ociVersion', keyword: 'required', message: '(document) must have the key "ociVersion"'}])
      return
    }
    if (pointer === '') expect(problems).toEqual([])
    else {
      expect(problems.length, JSON.stringify(problems)).toBe(1)
      expect(problems[0]!.pointer).toBe(pointer)
    }
  })

  it('reports one clear type error for a value that fits no branch of a union', () => {
    const [p] = validateRuntimeConfig(VARIANTS.find((v) => v[0] === 'capabilities as a string')![1])
    expect(p!.message).toBe('/process/capabilities must be an object or an array (found string "CAP_KILL")')
  })

  it('refuses the shapes install rewrites when asked to', () => {
    const legacy = variant((c) => ((c.platform = {}), (c.process.capabilities = ['CAP_KILL'])))
    expect(validateRuntimeConfig(legacy)).toEqual([])
    expect(validateRuntimeConfig(legacy, {legacy: 'refuse'}).map((p) => p.pointer).sort()).toEqual(['/platform', '/process/capabilities'])
  })
})

describe.skipIf(!hasRunc)('runc spec output (runc writes the file; no container is started)', () => {
  it.each([[[]], [['--rootless']]])('runc spec %j validates with no problem and no legacy shape', (args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'sysbuild-runc-spec-'))
    try {
      const r = spawnSync('runc', ['spec', ...args], {cwd: dir, encoding: 'utf8'})
      expect(r.status, r.stderr).toBe(0)
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown
      expect(validateRuntimeConfig(config, {legacy: 'refuse'})).toEqual([])
      expect(findLegacyShapes(config)).toEqual([])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe.skipIf(!hasJsonschema)('Python jsonschema (Draft 7) agrees with validateRuntimeConfig', () => {
  it('on every variant and every rendered corpus config', () => {
    const docs: unknown[] = [...VARIANTS.map((v) => v[1]), ...corpusConfigs().values()]
    const script = `
import json, sys
from jsonschema import Draft7Validator
schema = json.load(open(sys.argv[1]))
Draft7Validator.check_schema(schema)
v = Draft7Validator(schema)
print(json.dumps([v.is_valid(d) for d in json.load(sys.stdin)]))
`
    const r = spawnSync(PYTHON!, ['-c', script, SCHEMA], {input: JSON.stringify(docs), encoding: 'utf8'})
    expect(r.status, r.stderr).toBe(0)
    const verdicts = JSON.parse(r.stdout) as boolean[]
    expect(verdicts).toEqual(docs.map((d) => validateRuntimeConfig(d).length === 0))
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(10)
  })
})

describe.skipIf(!existsSync(CORPUS))('corpus configs (shared/corpus)', () => {
  const configs = corpusConfigs()

  it('all 21 rendered templates validate (legacy shapes allowed)', () => {
    expect(configs.size).toBe(21)
    for (const [dir, c] of configs) expect(validateRuntimeConfig(c), dir).toEqual([])
  })

  it.each([
    ['qemu-guest-agent', ['bounding', 'effective', 'inheritable', 'permitted']], // a list in process.capabilities
    ['hello-world', ['bounding', 'effective', 'inheritable', 'permitted']], // a list in linux.capabilities
    ['system-container-files', ['bounding']], // an object in linux.capabilities: moved unchanged
  ])('normalises %s into a runtime-spec 1.x shape', (dir, sets) => {
    const input = configs.get(dir)!
    const before = structuredClone(input)
    const {config, warnings} = normaliseLegacyConfig(input)
    expect(input).toEqual(before) // the argument is not modified
    expect(warnings.length).toBeGreaterThan(0)
    expect(validateRuntimeConfig(config, {legacy: 'refuse'})).toEqual([])
    expect(findLegacyShapes(config).filter((s) => s.normalised)).toEqual([])
    const caps = config.process?.capabilities
    expect(Array.isArray(caps)).toBe(false)
    expect(Object.keys(caps ?? {}).sort()).toEqual(sets)
    expect(config).not.toHaveProperty('platform')
  })

  it('keeps the capability list in all four sets', () => {
    const sys = normaliseLegacyConfig(configs.get('system-container-files')!).config
    // linux.capabilities was an object there: it moves unchanged.
    expect(sys.process?.capabilities).toEqual((configs.get('system-container-files')!.linux as Json).capabilities)
    const list = ['CAP_KILL', 'CAP_CHOWN']
    const {config} = normaliseLegacyConfig(variant((c) => ((c.process.capabilities = list), (c.linux.selinuxProcessLabel = 'system_u:system_r:t:s0'))))
    expect(config.process?.capabilities).toEqual({bounding: list, effective: list, inheritable: list, permitted: list})
    expect(config.process?.selinuxLabel).toBe('system_u:system_r:t:s0')
    expect(config.linux).not.toHaveProperty('selinuxProcessLabel')
  })

  it('leaves a modern config alone', () => {
    const {config, warnings} = normaliseLegacyConfig(BASE)
    expect(config).toEqual(BASE)
    expect(warnings).toEqual([])
  })
})

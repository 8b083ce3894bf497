/**
 * The config/ and manifest/ lint rules over the public corpus (../shared/corpus): every
 * config.json.template, rendered with the dir's defaults and sample host values, must give
 * the text Python's string.Template gives and parse with Python's json module — also with
 * the one-mount fragment for $ADDTL_MOUNTS templates — and the rules must report no error,
 * only the pinned pre-1.0 warnings and infos.
 */
import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {lintPath, LintContext, loadExports} from '../../../src/exports/index.js'
import {configModel, SAMPLE_MOUNT_FRAGMENT} from '../../../src/exports/lint/config-model.js'
import {manifestModel} from '../../../src/exports/lint/manifest-model.js'
import {sampleValues} from '../../../src/exports/lint/sample-values.js'

const CORPUS = join(import.meta.dirname, '../../../../shared/corpus')
const present = existsSync(CORPUS)
const hasPython = spawnSync('python3', ['--version']).status === 0
if (!present) console.log(`config/manifest corpus tests skipped: ${CORPUS} does not exist`)

const SET: Record<string, Record<string, string>> = {
  'system-container-update-files': {VAR_WITH_NO_DEFAULT: 'x'},
  'system-container-runonce-files': {RECEIVER: 'x'},
}

const W = (rule: string) => `${rule}:warning`
const I = (rule: string) => `${rule}:info`
const PLATFORM = W('config/legacy-platform')
const OCI = W('config/legacy-oci-version')
const HOOKS = I('config/legacy-ignored-fields') // "hooks": {}
const NULL_DEVICES = I('config/legacy-ignored-fields')
const APPARMOR = I('config/legacy-ignored-fields') // "apparmorProfile": "" under linux
const STATE = W('config/hardcoded-state-dir')
const RLIMITS = W('config/legacy-ignored-fields') // linux.rlimits with values
const SECCOMP = [I('config/legacy-ignored-fields'), I('config/legacy-ignored-fields')] // empty defaultAction, null architectures
const K8S = [PLATFORM, NULL_DEVICES, APPARMOR]

/** Expected config/ and manifest/ findings per dir, as `rule:severity` (repeats count). */
const EXPECTED: Record<string, readonly string[]> = {
  'atomic-system-containers/azure': [W('config/missing-template')],
  'atomic-system-containers/buildah-fedora': [PLATFORM, STATE, HOOKS], // /var/run/NetworkManager
  'atomic-system-containers/docker-centos': [PLATFORM, HOOKS],
  'atomic-system-containers/docker-fedora': [PLATFORM, STATE, HOOKS], // /run/systemd
  'atomic-system-containers/etcd': [PLATFORM, NULL_DEVICES, APPARMOR, W('manifest/host-default-ignored')], // CONF_DIRECTORY
  'atomic-system-containers/flannel': [PLATFORM, HOOKS],
  'atomic-system-containers/hello-world': [OCI, PLATFORM, HOOKS, W('config/legacy-linux-capabilities'), RLIMITS],
  'atomic-system-containers/kubeadm': [...K8S, STATE, STATE, STATE, STATE], // /var/run/, /run, /var/lib, /var/lib/kubelet
  'atomic-system-containers/kubernetes-apiserver': [...K8S, STATE], // /var/run/kubernetes
  'atomic-system-containers/kubernetes-controller-manager': K8S,
  'atomic-system-containers/kubernetes-kubelet': [...K8S, STATE], // /var/run/secrets
  'atomic-system-containers/kubernetes-master': [],
  'atomic-system-containers/kubernetes-node': [],
  'atomic-system-containers/kubernetes-proxy': [...K8S, STATE], // /run
  'atomic-system-containers/kubernetes-scheduler': K8S,
  'atomic-system-containers/net-snmp': [PLATFORM, STATE, HOOKS], // /var/lib/net-snmp
  'atomic-system-containers/open-vm-tools-centos': [PLATFORM, STATE, STATE, HOOKS], // /run/systemd, /var/lib/sss/pipes
  'atomic-system-containers/ovirt-guest-agent-centos': [OCI, PLATFORM, HOOKS],
  'atomic-system-containers/ovirt-guest-agent-fedora': [OCI, PLATFORM, HOOKS],
  'atomic-system-containers/qemu-guest-agent': [OCI, PLATFORM, HOOKS, W('config/legacy-process-capabilities-list')],
  'atomic-test-images/system-container-files': [
    OCI, PLATFORM, HOOKS, W('config/legacy-linux-capabilities'), RLIMITS, NULL_DEVICES, APPARMOR,
    W('config/legacy-selinux-process-label'), ...SECCOMP,
  ],
  'atomic-test-images/system-container-files-hostfs': [
    OCI, PLATFORM, HOOKS, W('config/legacy-linux-capabilities'), RLIMITS, NULL_DEVICES, APPARMOR,
    W('config/legacy-selinux-process-label'), ...SECCOMP,
  ],
  // readonly: false is fine: the Dockerfile labels it atomic.run=once
  'atomic-test-images/system-container-runonce-files': [OCI, PLATFORM, HOOKS],
  'atomic-test-images/system-container-update-files': [PLATFORM, HOOKS, NULL_DEVICES, APPARMOR, W('config/legacy-selinux-process-label')],
}

const FRAGMENT_DIRS = ['docker-centos', 'docker-fedora', 'etcd', 'kubernetes-kubelet']

const leaf = (dir: string): string => dir.split('/').pop()!
const mine = (rule: string): boolean => rule.startsWith('config/') || rule.startsWith('manifest/') || rule === 'lint/internal-error'
const sorted = (a: readonly string[]): string[] => [...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))

async function contextOf(dir: string): Promise<LintContext> {
  const ctx = new LintContext(await loadExports(join(CORPUS, dir), {shownBase: join(CORPUS, dir)}), {set: SET[leaf(dir)] ?? {}})
  ctx.memo('values:resolved', () =>
    sampleValues({name: leaf(dir), defaults: manifestModel(ctx).defaults, set: SET[leaf(dir)] ?? {}, serviceText: ctx.file('service.template')?.text}),
  )
  return ctx
}

/** Python's string.Template.substitute + json.loads on each (template, values) pair. */
function pythonRender(jobs: {template: string; values: Record<string, string>}[]): {text: string; json: boolean}[] {
  const script = `
import json, string, sys
out = []
for job in json.loads(sys.stdin.read()):
    text = string.Template(job['template']).substitute(job['values'])
    try:
        json.loads(text)
        ok = True
    except ValueError:
        ok = False
    out.append({'text': text, 'json': ok})
print(json.dumps(out))
`
  const r = spawnSync('python3', ['-c', script], {input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(r.stderr)
  return JSON.parse(r.stdout) as {text: string; json: boolean}[]
}

describe.skipIf(!present)('config/ and manifest/ rules on the public corpus', () => {
  // Collected even when the describe is skipped: read nothing unless the corpus is there.
  const dirs = (present ? ['atomic-system-containers', 'atomic-test-images'] : []).flatMap((g) =>
    readdirSync(join(CORPUS, g))
      .filter((d) => statSync(join(CORPUS, g, d)).isDirectory())
      .map((d) => `${g}/${d}`),
  )

  it('pins all 24 dirs', () => expect(sorted(dirs)).toEqual(sorted(Object.keys(EXPECTED))))

  it.each(Object.keys(EXPECTED))('%s: no errors, exactly the pinned warnings and infos', async (dir) => {
    const findings = (await lintPath(join(CORPUS, dir), {set: SET[leaf(dir)] ?? {}, shownBase: join(CORPUS, dir)})).filter((f) => mine(f.rule))
    expect(findings.filter((f) => f.severity === 'error'), JSON.stringify(findings, null, 1)).toEqual([])
    expect(sorted(findings.map((f) => `${f.rule}:${f.severity}`)), JSON.stringify(findings, null, 1)).toEqual(sorted(EXPECTED[dir]!))
    for (const f of findings.filter((x) => x.rule !== 'config/missing-template')) expect(f.line, JSON.stringify(f)).toBeGreaterThan(0)
  })

  it.skipIf(!hasPython)('renders like Python string.Template, and Python json.loads parses every render (21 templates + 4 fragment renders)', async () => {
    const jobs: {dir: string; template: string; values: Record<string, string>; ours: string}[] = []
    for (const dir of dirs) {
      const ctx = await contextOf(dir)
      const model = configModel(ctx)
      const template = ctx.file('config.json.template')?.text
      if (!template) continue
      expect(model.rendered, dir).toBeDefined()
      jobs.push({dir, template, values: ctx.values.values, ours: model.rendered!.text})
      for (const f of model.fragments) jobs.push({dir: `${dir} with ${f.name}`, template, values: {...ctx.values.values, [f.name]: SAMPLE_MOUNT_FRAGMENT}, ours: f.rendered.text})
    }
    expect(jobs.length).toBe(21 + FRAGMENT_DIRS.length)
    const py = pythonRender(jobs.map(({template, values}) => ({template, values})))
    jobs.forEach((job, i) => {
      expect(job.ours, job.dir).toBe(py[i]!.text)
      expect(py[i]!.json, job.dir).toBe(true)
    })
  })

  it.each(FRAGMENT_DIRS)('%s: the $ADDTL_MOUNTS render has one more mount, the sample one', async (name) => {
    const dir = `atomic-system-containers/${name}`
    const model = configModel(await contextOf(dir))
    expect(model.fragments.map((f) => f.name)).toEqual(['ADDTL_MOUNTS'])
    const withFragment = model.fragments[0]!.rendered.parse
    if (!withFragment.ok || !model.rendered?.parse.ok) throw new Error('does not parse')
    const plain = (model.rendered.parse.value as {mounts: unknown[]}).mounts
    const more = (withFragment.value as {mounts: unknown[]}).mounts
    expect(more).toEqual([...plain, JSON.parse(SAMPLE_MOUNT_FRAGMENT.slice(1))])
  })
})

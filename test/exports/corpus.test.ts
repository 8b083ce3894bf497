/**
 * Conformance: every image dir of the public corpus (../shared/corpus, see its README) was
 * built and installed by atomic upstream, so `sysbuild lint` must report no errors on any of
 * them. The two test images with a variable that has no default need the same `--set` that
 * install needs, and without it must report template/unknown-variable.
 *
 * Warnings and infos are pinned per dir, but only for the rule groups below: other groups
 * (config/, unit/, manifest/, ...) are pinned by their own tests. The zero-error check
 * covers every rule.
 */
import {describe, expect, it} from 'vitest'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {lintPath, loadExports, LintContext} from '../../src/exports/index.js'
import {imageLabels, isRunOnceImage} from '../../src/exports/lint/labels-model.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const present = existsSync(CORPUS)
if (!present) console.log(`corpus conformance skipped: ${CORPUS} does not exist (see docs/environment.md)`)

// config/ and manifest/ findings are pinned in test/exports/lint/config-corpus.test.ts
const PINNED_GROUPS = ['template/', 'hostfs/', 'dockerfile/', 'exports/', 'unit/', 'tmpfiles/']

/** `--set` values install needs for these dirs. */
const SET: Record<string, Record<string, string>> = {
  'system-container-update-files': {VAR_WITH_NO_DEFAULT: 'x'},
  'system-container-runonce-files': {RECEIVER: 'x'},
}

const noLabel = 'dockerfile/missing-system-label:warning'
const ADD = 'dockerfile/add-exports:warning'
const NODOCS = 'dockerfile/yum-nodocs:info'
const MODE = 'unit/start-mode:info'

/** Expected findings of the pinned groups, as sorted `rule:severity` (repeats count). */
const EXPECTED: Record<string, readonly string[]> = {
  'atomic-system-containers/azure': [MODE, 'unit/exec-start-not-runtime:warning'],
  'atomic-system-containers/buildah-fedora': [],
  'atomic-system-containers/docker-centos': [MODE],
  'atomic-system-containers/docker-fedora': [MODE],
  'atomic-system-containers/etcd': [noLabel, MODE],
  'atomic-system-containers/flannel': [MODE],
  'atomic-system-containers/hello-world': [MODE],
  'atomic-system-containers/kubeadm': [MODE],
  'atomic-system-containers/kubernetes-apiserver': [MODE],
  'atomic-system-containers/kubernetes-controller-manager': [MODE],
  'atomic-system-containers/kubernetes-kubelet': [MODE],
  'atomic-system-containers/kubernetes-master': ['exports/not-system-container:info'],
  'atomic-system-containers/kubernetes-node': ['exports/not-system-container:info'],
  'atomic-system-containers/kubernetes-proxy': [MODE],
  'atomic-system-containers/kubernetes-scheduler': [MODE],
  'atomic-system-containers/net-snmp': [MODE],
  'atomic-system-containers/open-vm-tools-centos': [noLabel, MODE],
  'atomic-system-containers/ovirt-guest-agent-centos': [noLabel, MODE],
  'atomic-system-containers/ovirt-guest-agent-fedora': [noLabel, MODE],
  'atomic-system-containers/qemu-guest-agent': [noLabel, MODE],
  'atomic-test-images/system-container-files': [ADD, noLabel, NODOCS, MODE, 'unit/invalid-value:warning'],
  // 3 ADDs into /exports/hostfs + 1 into /exports; `ln -s /does/not/exist` under hostfs
  'atomic-test-images/system-container-files-hostfs': [ADD, ADD, ADD, ADD, noLabel, NODOCS, 'hostfs/dangling-symlink:warning', MODE],
  'atomic-test-images/system-container-runonce-files': [ADD],
  'atomic-test-images/system-container-update-files': [NODOCS, MODE],
}

const corpusDirs = (): string[] =>
  ['atomic-system-containers', 'atomic-test-images'].flatMap((g) =>
    readdirSync(join(CORPUS, g))
      .filter((d) => statSync(join(CORPUS, g, d)).isDirectory())
      .map((d) => `${g}/${d}`),
  )

const leaf = (dir: string): string => dir.split('/').pop()!
const lint = (dir: string, set: Record<string, string> = SET[leaf(dir)] ?? {}) => lintPath(join(CORPUS, dir), {set, shownBase: join(CORPUS, dir)})
const pinned = (rule: string): boolean => PINNED_GROUPS.some((g) => rule.startsWith(g))
const sortKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

describe.skipIf(!present)('public corpus conformance', () => {
  it('covers all 24 image dirs', () => {
    expect(corpusDirs().sort()).toEqual(Object.keys(EXPECTED).sort())
    expect(corpusDirs()).toHaveLength(24)
  })

  it.each(Object.keys(EXPECTED))('%s: no errors, and exactly the pinned warnings/infos', async (dir) => {
    const findings = await lint(dir)
    const errors = findings.filter((f) => f.severity === 'error')
    expect(errors, JSON.stringify(errors, null, 1)).toEqual([])
    const got = findings
      .filter((f) => pinned(f.rule))
      .map((f) => `${f.rule}:${f.severity}`)
      .sort(sortKey)
    expect(got, JSON.stringify(findings, null, 1)).toEqual([...EXPECTED[dir]!].sort(sortKey))
  })

  it.each(['kubernetes-master', 'kubernetes-node'])('%s (no /exports) reports only that it is not a system container', async (name) => {
    const findings = await lint(`atomic-system-containers/${name}`)
    expect(findings.map((f) => [f.rule, f.severity, f.message])).toEqual([['exports/not-system-container', 'info', 'no /exports files: not a system-container image']])
  })

  it.each(Object.entries(SET))('%s without --set reports template/unknown-variable for %o', async (name, set) => {
    const dir = `atomic-test-images/${name}`
    const variable = Object.keys(set)[0]!
    const findings = (await lint(dir, {})).filter((f) => f.severity === 'error')
    expect(findings.map((f) => f.rule)).toEqual(['template/unknown-variable'])
    expect(findings[0]!.message).toContain(`still contains an unreplaced value for: '${variable}'`)
    expect(findings[0]!.file).toBe('config.json.template')
    expect(findings[0]!.hint).toContain(`--set ${variable}=VALUE`)
  })

  it('sees run-once images through their Dockerfile LABELs', async () => {
    const runOnce = async (dir: string): Promise<boolean> => isRunOnceImage(new LintContext(await loadExports(join(CORPUS, dir)), {}))
    expect(await runOnce('atomic-test-images/system-container-runonce-files')).toBe(true)
    expect(await runOnce('atomic-system-containers/buildah-fedora')).toBe(true)
    expect(await runOnce('atomic-test-images/system-container-update-files')).toBe(false)
    const ctx = new LintContext(await loadExports(join(CORPUS, 'atomic-test-images/system-container-runonce-files')), {labels: {'atomic.run': 'never'}})
    expect(imageLabels(ctx)).toMatchObject({Name: 'atomic-test-runonce', 'atomic.type': 'system', 'atomic.run': 'never'})
    expect(isRunOnceImage(ctx)).toBe(false)
  })
})

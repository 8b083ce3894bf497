/**
 * Rendering parity with the reference implementation: every image set in
 * ../shared/corpus is put on an image (umoci), installed into a scratch --root (run-once
 * images: previewed with --dry-run), and the unit, the tmpfiles conf and config.json
 * sysbuild wrote are compared with what Python's string.Template.substitute gives for
 * the same templates and the values read back from the info file. For config.json the
 * Python side also applies the documented pre-1.0 conversions (oci-checklist.md §3) and
 * the default tmpfiles rule (atomic-semantics.md §6.3), written independently here.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DEFAULT_SERVICE_TEMPLATE} from '../../src/exports/default-unit.js'
import {installContainer} from '../../src/engine/index.js'
import {engineTestBlockers, umociImage} from '../kit/engine-images.js'

const CORPUS = join(import.meta.dirname, '../../../shared/corpus')
const blockers = engineTestBlockers(['python3', 'systemctl', 'systemd-tmpfiles'])
if (!existsSync(CORPUS)) blockers.push(`corpus not found at ${CORPUS} (parity test skipped)`)
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

const EXPORTS = ['config.json.template', 'manifest.json', 'service.template', 'tmpfiles.template', 'config.json']
/** Values the corpus README says the two test images need. */
const EXTRA: Record<string, Record<string, string>> = {
  'system-container-update-files': {VAR_WITH_NO_DEFAULT: 'x'},
  'system-container-runonce-files': {RECEIVER: 'x'},
}

interface Case {
  readonly name: string
  readonly dir: string
  readonly runOnce: boolean
}

function corpusCases(): Case[] {
  if (!existsSync(CORPUS)) return []
  const out: Case[] = []
  for (const group of ['atomic-system-containers', 'atomic-test-images']) {
    for (const name of readdirSync(join(CORPUS, group)).sort()) {
      const top = join(CORPUS, group, name)
      if (!existsSync(join(top, 'Dockerfile'))) continue
      const dir = existsSync(join(top, 'exports')) ? join(top, 'exports') : top
      const runOnce = /atomic\.run"?\s*=\s*"?once/.test(readFileSync(join(top, 'Dockerfile'), 'utf8'))
      out.push({name, dir, runOnce})
    }
  }
  return out
}

const PYTHON = String.raw`
import json, string, sys, os
d = json.load(sys.stdin)
v = d["values"]
out = {}
for k, t in d["templates"].items():
    out[k] = string.Template(t).substitute(v)
if "config" in d:
    text = d["config"] if d["config_raw"] else string.Template(d["config"]).substitute(v)
    c = json.loads(text)
    # oci-checklist.md section 3, as written there
    p = c.get("process")
    if isinstance(p, dict) and isinstance(p.get("capabilities"), list):
        l = p["capabilities"]; p["capabilities"] = {"bounding": l, "effective": l, "inheritable": l, "permitted": l}
    lx = c.get("linux")
    if isinstance(lx, dict) and "capabilities" in lx:
        caps = lx.pop("capabilities")
        if isinstance(p, dict) and not isinstance(p.get("capabilities"), dict):
            p["capabilities"] = {"bounding": caps, "effective": caps, "inheritable": caps, "permitted": caps} if isinstance(caps, list) else caps
    c.pop("platform", None)
    if isinstance(lx, dict) and "selinuxProcessLabel" in lx:
        label = lx.pop("selinuxProcessLabel")
        if label and isinstance(p, dict) and "selinuxLabel" not in p: p["selinuxLabel"] = label
    out["config"] = c
    if "tmpfiles" not in d["templates"]:
        lines = ""
        for m in c.get("mounts", []):
            if "bind" in m.get("type", "") and not os.path.exists(d["root"] + m["source"]):
                lines += "d    %s   0700 %s %s - -\n" % (m["source"], v["HOST_UID"], v["HOST_GID"])
        out["tmpfiles"] = lines
if "raw_template" in d:
    try:
        out["config_text"] = string.Template(d["raw_template"]).substitute(v)
    except (KeyError, ValueError) as e:
        out["config_text"] = "python3: %r" % e
print(json.dumps(out))
`

/**
 * The interpreter behind `python3`, resolved once: a version-manager shim (pyenv) on PATH
 * costs seconds per start, the interpreter itself a few milliseconds.
 */
let pythonExe = 'python3'
function resolvePython(): void {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {encoding: 'utf8'})
  if (r.status === 0 && r.stdout.trim()) pythonExe = r.stdout.trim()
}

function python(input: unknown): Record<string, unknown> {
  const r = spawnSync(pythonExe, ['-c', PYTHON], {input: JSON.stringify(input), encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`python3: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

let work: string
const cases = corpusCases()

beforeAll(() => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-parity-'))
  resolvePython()
})
afterAll(() => {
  if (!skip) rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('engine: rendering parity with Python string.Template over the corpus'), () => {
  it('has the 24 corpus image sets', () => expect(cases.length).toBe(24))

  it.each(cases)('$name', async ({name, dir, runOnce}) => {
    const files: Record<string, string> = {}
    const text: Record<string, string> = {}
    for (const f of EXPORTS) {
      if (!existsSync(join(dir, f))) continue
      text[f] = readFileSync(join(dir, f), 'utf8')
      files[`/exports/${f}`] = text[f]!
    }
    const root = join(work, name, 'root')
    // The default tmpfiles rule looks at the host before the install: keep an untouched copy of it.
    const pristine = join(work, name, 'pristine')
    for (const r of [root, pristine]) for (const d of ['etc/systemd/system', 'etc/tmpfiles.d', 'var/lib/containers/atomic']) mkdirSync(join(r, d), {recursive: true})
    const image = umociImage(join(work, name), join(work, name, 'oci'), 'latest', {bare: true, files, labels: runOnce ? {'atomic.run': 'once'} : {}})
    const result = await installContainer({root, image, name, set: EXTRA[name] ?? {}, dryRun: runOnce})
    let values: Record<string, string>
    let unit: string | undefined
    let tmpfiles: string | undefined
    let config: string
    if (runOnce) {
      expect(result.status).toBe('ran-once')
      const preview = result.status === 'ran-once' ? result.preview! : undefined
      values = Object.fromEntries(Object.entries(preview!.values).map(([k, v]) => [k, v.value]))
      const file = (suffix: string) => preview!.files.find((f) => f.path.endsWith(suffix))?.content
      config = file('/config.json')!
      tmpfiles = file(`tmpfiles-${name}.conf`)
    } else {
      expect(result.status).toBe('installed')
      const ckout = join(root, 'var/lib/containers/atomic')
      const deployment = join(ckout, readlinkSync(join(ckout, name)).split('/').pop()!)
      values = JSON.parse(readFileSync(join(deployment, 'info'), 'utf8')).values
      unit = readFileSync(join(root, 'etc/systemd/system', `${name}.service`), 'utf8')
      const conf = join(root, 'etc/tmpfiles.d', `${name}.conf`)
      tmpfiles = existsSync(conf) ? readFileSync(conf, 'utf8') : undefined
      config = readFileSync(join(deployment, 'config.json'), 'utf8')
    }
    const templates: Record<string, string> = {}
    if (!runOnce) templates.unit = text['service.template'] ?? DEFAULT_SERVICE_TEMPLATE
    if (text['tmpfiles.template'] !== undefined) templates.tmpfiles = text['tmpfiles.template']
    const py = python({
      values,
      templates,
      root: pristine,
      ...(text['config.json'] !== undefined || text['config.json.template'] !== undefined
        ? {config: text['config.json'] ?? text['config.json.template'], config_raw: text['config.json'] !== undefined}
        : {}),
      ...(text['config.json.template'] !== undefined ? {raw_template: text['config.json.template']} : {}),
    })
    if (!runOnce) expect(unit).toBe(py.unit)
    expect(tmpfiles ?? '').toBe(py.tmpfiles ?? '')
    if (py.config !== undefined) {
      expect(JSON.parse(config)).toEqual(py.config)
      // Untouched templates are written exactly as rendered.
      const legacy = /"platform"|selinuxProcessLabel|"linux"\s*:\s*\{[^]*"capabilities"/.test(text['config.json.template'] ?? '')
      if (!legacy && text['config.json.template'] !== undefined) {
        expect(config).toBe(py.config_text)
      }
    }
  })
})

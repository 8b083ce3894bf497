/** Details of the manifest/ rules beyond their bad/good fixtures: severities, lines and suggestions. */
import {afterAll, describe, expect, it} from 'vitest'
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {lintPath, type Finding} from '../../../src/exports/index.js'

const root = mkdtempSync(join(tmpdir(), 'sysbuild-manifest-rules-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let n = 0

const CONFIG = JSON.stringify({
  ociVersion: '1.0.2',
  process: {terminal: false, args: ['/bin/hello'], env: ['A=$A'], cwd: '/'},
  root: {path: 'rootfs', readonly: true},
})

async function lint(files: Record<string, string>): Promise<Finding[]> {
  const dir = join(root, `case-${n++}`)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), {recursive: true})
    writeFileSync(join(dir, name), text)
  }
  return (await lintPath(dir, {shownBase: dir})).filter((f) => f.rule.startsWith('manifest/') || f.rule === 'lint/internal-error')
}

const summary = (fs: Finding[]) => fs.map((f) => [f.rule, f.severity, f.line])

describe('manifest rules', () => {
  it('value-type: booleans and null warn, floats, lists and objects are errors, integers are fine', async () => {
    const manifest = '{\n "version": "1.0",\n "defaultValues": {\n  "A": true,\n  "B": null,\n  "C": 8080,\n  "D": 1e3,\n  "E": [],\n  "F": {}\n }\n}'
    const cfg = CONFIG.replace('"A=$A"', '"A=$A", "B=$B", "C=$C", "D=$D", "E=$E", "F=$F"')
    const findings = (await lint({'manifest.json': manifest, 'config.json.template': cfg})).filter((f) => f.rule === 'manifest/value-type')
    expect(summary(findings)).toEqual([
      ['manifest/value-type', 'warning', 4],
      ['manifest/value-type', 'warning', 5],
      ['manifest/value-type', 'error', 7],
      ['manifest/value-type', 'error', 8],
      ['manifest/value-type', 'error', 9],
    ])
    expect(findings[0]!.message).toContain('"True"')
    expect(findings[2]!.hint).toContain('"D": "1e3"')
  })

  it('schema leaves defaultValues entries to value-type, and reports the rest at their line', async () => {
    const findings = await lint({'manifest.json': '{\n "version": 1,\n "defaultValues": {"A": 1.5},\n "useLinks": "yes"\n}', 'config.json.template': CONFIG})
    expect(summary(findings.filter((f) => f.rule !== 'manifest/value-type'))).toEqual([
      ['manifest/schema', 'error', 2],
      ['manifest/schema', 'error', 4],
    ])
  })

  it('unknown-key suggests the closest key only when it is close', async () => {
    const findings = await lint({'manifest.json': '{"version": "1.0", "renamefiles": {}, "use_links": true, "comment": "x"}', 'config.json.template': CONFIG})
    expect(findings.map((f) => f.message)).toEqual([
      'unknown key "renamefiles" is ignored: did you mean "renameFiles"?',
      'unknown key "use_links" is ignored: did you mean "useLinks"?',
      'unknown key "comment" is ignored',
    ])
  })

  it('host and forced defaults: ignored / no effect, and not also "unused"; a UUID default is neither', async () => {
    const findings = await lint({
      'manifest.json': '{"version": "1.0", "defaultValues": {"A": "a", "RUN_DIRECTORY": "/srv", "DESTDIR": "/x", "UUID": "u"}}',
      'config.json.template': CONFIG,
    })
    expect(findings.map((f) => f.message)).toEqual([
      'defaultValues.RUN_DIRECTORY is ignored: RUN_DIRECTORY is provided by the host; use --set to change it',
      'defaultValues.DESTDIR has no effect: DESTDIR is always set by sysbuild',
    ])
  })

  it('unused-default counts service, tmpfiles, renameFiles values and hostfs template files added by the Dockerfile', async () => {
    const files = {
      'manifest.json': JSON.stringify({
        version: '1.0',
        defaultValues: {A: 'a', S: 's', T: 't', R: 'r', H: 'h', UNUSED: 'u'},
        renameFiles: {'/etc/x': '/etc/$R'},
        installedFilesTemplate: ['/usr/lib/greeting'],
      }),
      'config.json.template': CONFIG,
      'service.template': '[Service]\nExecStart=$EXEC_START\nEnvironment=S=${S}\n',
      'tmpfiles.template': 'd /var/lib/$T 0700 0 0 - -\n',
      'greeting.in': 'hello $H\n',
      Dockerfile: 'FROM scratch\nCOPY greeting.in /exports/hostfs/usr/lib/greeting\nCOPY manifest.json config.json.template service.template tmpfiles.template /exports/\n',
    }
    const findings = await lint(files)
    expect(findings.map((f) => f.message)).toEqual(['defaultValues.UNUSED is not used by any template'])
  })

  it('no findings at all for a missing manifest', async () => {
    expect(await lint({'config.json.template': CONFIG.replace('$A', 'a')})).toEqual([])
  })
})

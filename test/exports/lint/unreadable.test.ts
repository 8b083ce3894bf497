/**
 * A file that exists but is not text is reported once, by exports/unreadable-file, and never also as missing
 * (config/missing-template, unit/start-mode "no service.template"): a user told "add config.json.template"
 * about a file that is there would look in the wrong place.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintPath} from '../../../src/exports/index.js'

const BINARY = Buffer.from([0x7b, 0x0a, 0x00, 0xff, 0xfe, 0x0a])
const MANIFEST = '{"version": "1.0", "defaultValues": {}}\n'
const UNIT = '[Unit]\nDescription=x\n\n[Service]\nExecStart=$EXEC_START\nExecStop=$EXEC_STOP\n\n[Install]\nWantedBy=multi-user.target\n'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-lint-unreadable-'))
  await mkdir(join(dir, 'exports'))
  await writeFile(join(dir, 'exports', 'manifest.json'), MANIFEST)
})
afterEach(() => rm(dir, {recursive: true, force: true}))

describe('unreadable exports files', () => {
  it('a binary config.json.template is an unreadable-file error, not a missing template', async () => {
    await writeFile(join(dir, 'exports', 'config.json.template'), BINARY)
    await writeFile(join(dir, 'exports', 'service.template'), UNIT)
    const findings = await lintPath(dir, {shownBase: dir})
    expect(findings.filter((f) => f.rule === 'exports/unreadable-file')).toEqual([
      expect.objectContaining({file: 'exports/config.json.template', line: 2, severity: 'error'}),
    ])
    expect(findings.filter((f) => f.rule === 'config/missing-template')).toEqual([])
  })

  it('a binary service.template is not described as "no service.template"', async () => {
    await writeFile(join(dir, 'exports', 'service.template'), BINARY)
    const findings = await lintPath(dir, {shownBase: dir})
    expect(findings.filter((f) => f.rule === 'exports/unreadable-file').map((f) => f.file)).toEqual(['exports/service.template'])
    expect(findings.filter((f) => f.message.includes('no service.template'))).toEqual([])
  })

  it('a really missing config.json.template is still reported (the check is not just switched off)', async () => {
    await writeFile(join(dir, 'exports', 'service.template'), UNIT)
    const findings = await lintPath(dir, {shownBase: dir})
    expect(findings.filter((f) => f.rule === 'config/missing-template').map((f) => f.file)).toEqual(['exports/config.json.template'])
  })
})

import {describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

const root = join(import.meta.dirname, '../..')

describe('generated files', () => {
  it('types generated from the JSON Schemas are up to date', () => {
    const r = spawnSync('node', ['scripts/gen-types.mjs', '--check'], {cwd: root, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})

describe('generated docs', () => {
  it('docs/lint-rules.md matches the rule table', () => {
    const r = spawnSync('node', ['scripts/gen-lint-docs.mjs', '--check'], {cwd: root, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})

describe('generated error code table', () => {
  it('docs/error-codes.md matches ERROR_CODES', () => {
    const r = spawnSync('node', ['scripts/gen-error-docs.mjs', '--check'], {cwd: root, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})

/**
 * Every lint rule is tested both ways: test/fixtures/lint/<rule id, '/' → '__'>/bad must trigger it and
 * .../good must not. A fixture dir is anything `sysbuild lint` accepts; an optional `lint-options.json`
 * beside it ({"set": {...}, "labels": {...}, "deep": true}) gives lint options.
 */
import {describe, expect, it} from 'vitest'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {lintPath, RULES} from '../../../src/exports/index.js'

const FIXTURES = join(import.meta.dirname, '../../fixtures/lint')

const fixtureDir = (id: string, kind: 'bad' | 'good') => join(FIXTURES, id.replace(/\//g, '__'), kind)

function options(dir: string) {
  const f = join(dir, '..', `lint-options.${dir.endsWith('bad') ? 'bad' : 'good'}.json`)
  const g = join(dir, '..', 'lint-options.json')
  const file = existsSync(f) ? f : existsSync(g) ? g : undefined
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
}

describe('lint rule table', () => {
  it('has unique, well-formed ids and descriptions', () => {
    const ids = RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/)
      expect(r.description.length).toBeGreaterThan(10)
    }
  })
})

describe.each(RULES.map((r) => [r.id, r] as const))('rule %s', (id) => {
  it('has a bad and a good fixture', () => {
    expect(existsSync(fixtureDir(id, 'bad')), `missing ${fixtureDir(id, 'bad')}`).toBe(true)
    expect(existsSync(fixtureDir(id, 'good')), `missing ${fixtureDir(id, 'good')}`).toBe(true)
  })
  it('fires on the bad fixture', async () => {
    const dir = fixtureDir(id, 'bad')
    const findings = await lintPath(dir, {...options(dir), shownBase: dir})
    expect(findings.filter((f) => f.rule === id).length, JSON.stringify(findings, null, 1)).toBeGreaterThan(0)
  })
  it('stays quiet on the good fixture', async () => {
    const dir = fixtureDir(id, 'good')
    const findings = await lintPath(dir, {...options(dir), shownBase: dir})
    expect(findings.filter((f) => f.rule === id)).toEqual([])
  })
})

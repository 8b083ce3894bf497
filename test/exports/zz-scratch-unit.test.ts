import {it} from 'vitest'
import {readdirSync, existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {lintPath} from '../../src/exports/index.js'
const F = join(import.meta.dirname, '../fixtures/lint')
it('scratch', async () => {
  for (const d of readdirSync(F).filter((d) => /^(unit|tmpfiles)__/.test(d))) for (const k of ['bad', 'good']) {
    const o = existsSync(join(F, d, 'lint-options.json')) ? JSON.parse(readFileSync(join(F, d, 'lint-options.json'), 'utf8')) : {}
    const f = await lintPath(join(F, d, k), {...o, shownBase: F})
    for (const x of f) if (/^(unit|tmpfiles|lint)\//.test(x.rule)) console.log(`${x.rule} ${x.severity} ${x.file}:${x.line ?? ''}:${x.column ?? ''} ${x.message}${x.hint ? ' || ' + x.hint : ''}`)
  }
})

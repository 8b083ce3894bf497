import {manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

export const manifestInvalidJson = defineRule({
  id: 'manifest/invalid-json',
  severity: 'error',
  description: 'manifest.json must be valid JSON (install fails with "Invalid manifest.json file in image").',
  check: (ctx) => {
    const m = manifestModel(ctx)
    const f = ctx.file('manifest.json')
    if (!f || !m.parse || m.parse.ok) return []
    return [{file: f.shown, line: m.parse.line, column: m.parse.column, message: `not valid JSON: ${m.parse.message}`}]
  },
})

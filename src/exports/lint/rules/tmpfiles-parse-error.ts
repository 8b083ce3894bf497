import {defineRule} from '../types.js'
import {tmpfilesModel} from '../tmpfiles-model.js'

export const tmpfilesParseError = defineRule({
  id: 'tmpfiles/parse-error',
  severity: 'error',
  description: 'tmpfiles.template has lines systemd-tmpfiles refuses: unknown types or modifiers, bad fields, modes, owners, ages or arguments.',
  check: (ctx) => {
    const m = tmpfilesModel(ctx)
    if (!m) return []
    return m.problems
      .filter((p) => p.kind !== 'relative-path')
      .map((p) => ({file: m.file.shown, line: p.line, ...(p.column === undefined ? {} : {column: p.column}), severity: p.severity, message: p.message}))
  },
})

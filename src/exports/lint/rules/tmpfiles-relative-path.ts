import {defineRule} from '../types.js'
import {tmpfilesModel} from '../tmpfiles-model.js'

export const tmpfilesRelativePath = defineRule({
  id: 'tmpfiles/relative-path',
  severity: 'error',
  description: 'A tmpfiles.template path is not absolute once rendered; systemd-tmpfiles refuses the line.',
  check: (ctx) => {
    const m = tmpfilesModel(ctx)
    if (!m) return []
    return m.problems
      .filter((p) => p.kind === 'relative-path')
      .map((p) => ({
        file: m.file.shown,
        line: p.line,
        ...(p.column === undefined ? {} : {column: p.column}),
        message: `${p.message} (rendered with sample values)`,
        hint: 'Start the path with / or a directory variable such as ${STATE_DIRECTORY} or ${RUN_DIRECTORY}',
      }))
  },
})

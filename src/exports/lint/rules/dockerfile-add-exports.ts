import {defineRule} from '../types.js'
import {isExportsPath, systemDockerfile} from '../dockerfile-model.js'

export const dockerfileAddExports = defineRule({
  id: 'dockerfile/add-exports',
  severity: 'warning',
  description: 'ADD puts exports files into /exports; ADD also unpacks archives and fetches URLs, so COPY says what is meant.',
  check: (ctx) => {
    const df = systemDockerfile(ctx)
    return (df?.copies ?? [])
      .filter((op) => op.keyword === 'ADD' && op.from === undefined && isExportsPath(op.dest) && op.sources.some((s) => s.kind !== 'remote'))
      .map((op) => ({
        file: df!.file.shown,
        line: op.ins.line,
        message: `Found ADD for ${op.sources.map((s) => s.spec).join(', ')}.  Please use COPY`,
        hint: `COPY ${op.sources.map((s) => s.spec).join(' ')} ${op.destSpec}`,
      }))
  },
})

import {defineRule} from '../types.js'
import {systemDockerfile} from '../dockerfile-model.js'

export const dockerfileExportsTrailingSlash = defineRule({
  id: 'dockerfile/exports-trailing-slash',
  severity: 'warning',
  description:
    'COPY/ADD to /exports (or /exports/hostfs) without a trailing slash: unless the directory already exists, a single file is written as the path itself instead of into the directory.',
  check: (ctx) => {
    const df = systemDockerfile(ctx)
    return (df?.copies ?? [])
      .filter((op) => (op.dest === '/exports' || op.dest === '/exports/hostfs') && !op.destSpec.endsWith('/'))
      .map((op) => ({
        file: df!.file.shown,
        line: op.ins.line,
        message: `Missing trailing / after ${op.destSpec}`,
        hint: `${op.keyword} ${op.sources.map((s) => s.spec).join(' ')} ${op.destSpec}/`,
      }))
  },
})

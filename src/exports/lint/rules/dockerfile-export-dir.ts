import {defineRule} from '../types.js'
import {systemDockerfile} from '../dockerfile-model.js'

export const dockerfileExportDir = defineRule({
  id: 'dockerfile/export-dir',
  severity: 'error',
  description:
    'COPY/ADD to /export or below it: install only reads /exports, so the files never reach the container or the host (system-buildah --add-file made this mistake).',
  check: (ctx) =>
    (systemDockerfile(ctx)?.copies ?? [])
      .filter((op) => op.dest === '/export' || op.dest.startsWith('/export/'))
      .map((op) => ({
        file: systemDockerfile(ctx)!.file.shown,
        line: op.ins.line,
        message: `Found /export.  Did you mean /exports/? (${op.keyword} … ${op.destSpec})`,
        hint: `${op.keyword} ${op.sources.map((s) => s.spec).join(' ')} /exports${op.dest.slice('/export'.length)}${op.destSpec.endsWith('/') ? '/' : ''}`,
      })),
})

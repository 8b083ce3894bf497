import {configFinding, configModel, objectAt} from '../config-model.js'
import {defineRule} from '../types.js'

export const configRelativeCwd = defineRule({
  id: 'config/relative-cwd',
  severity: 'error',
  description: 'process.cwd is required and must be an absolute path inside the container.',
  check: (ctx) => {
    const model = configModel(ctx)
    const process = objectAt(model.config, 'process')
    if (!process) return []
    const cwd = process.cwd
    if (typeof cwd === 'string' && cwd.startsWith('/')) return []
    const what = cwd === undefined ? 'process.cwd is missing' : `process.cwd is ${JSON.stringify(cwd)}, not an absolute path`
    return [configFinding(model, cwd === undefined ? '/process' : '/process/cwd', `${what}: runc refuses to start the container`, {hint: 'set "cwd": "/" (or another absolute path)'})]
  },
})

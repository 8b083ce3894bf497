import {configModel, configFinding} from '../config-model.js'
import {validateRuntimeConfig} from '../../runtime-config.js'
import {defineRule} from '../types.js'

/** Values that dedicated rules check (wrong type included), so the schema rule leaves them alone. */
const COVERED = new Set(['/root/path', '/root/readonly', '/process/terminal', '/process/args', '/process/cwd'])

export const configSchema = defineRule({
  id: 'config/schema',
  severity: 'error',
  description: 'The rendered config must match the OCI runtime-spec config.json schema (pre-1.0 shapes runc still runs are left to the legacy rules).',
  check: (ctx) => {
    const model = configModel(ctx)
    const r = model.rendered
    if (!model.file || !r?.parse.ok) return []
    if (!model.config) return [configFinding(model, '', 'the config must be a JSON object')]
    return validateRuntimeConfig(model.config)
      .filter((p) => !COVERED.has(p.target))
      .map((p) => configFinding(model, p.pointer, p.message))
  },
})

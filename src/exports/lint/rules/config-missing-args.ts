import {configFinding, configModel, objectAt} from '../config-model.js'
import {defineRule} from '../types.js'

export const configMissingArgs = defineRule({
  id: 'config/missing-args',
  severity: 'error',
  description: 'process.args must be a non-empty list of strings: it is the command the container runs.',
  check: (ctx) => {
    const model = configModel(ctx)
    const config = model.config
    if (!config) return []
    const process = objectAt(config, 'process')
    const hint = 'set "process": {"args": ["/usr/bin/your-daemon", "--flag"], ...}'
    if (config.process !== undefined && !process) return [] // not an object: config/schema reports it
    if (!process) return [configFinding(model, '', 'the config has no "process" object, so there is no command to run', {hint})]
    const args = process.args
    if (Array.isArray(args) && args.length > 0) return []
    const what = args === undefined ? 'process.args is missing' : Array.isArray(args) ? 'process.args is empty' : `process.args is ${JSON.stringify(args)}, not a list`
    return [configFinding(model, '/process/args', `${what}: the container has no command to run`, {hint})]
  },
})

import {configFinding, configModel, objectAt} from '../config-model.js'
import {defineRule} from '../types.js'

export const configTerminal = defineRule({
  id: 'config/terminal',
  severity: 'error',
  description: 'process.terminal must be false: a systemd service has no terminal to give the container.',
  check: (ctx) => {
    const model = configModel(ctx)
    const terminal = objectAt(model.config, 'process')?.terminal
    if (terminal === undefined || terminal === false) return []
    return [
      configFinding(model, '/process/terminal', `process.terminal is ${JSON.stringify(terminal)}: a system container runs under systemd without a terminal`, {
        hint: 'set "terminal": false',
      }),
    ]
  },
})

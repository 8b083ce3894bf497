import {defineRule} from '../types.js'

export const configPlainConfigJson = defineRule({
  id: 'config/plain-config-json',
  severity: 'warning',
  description: 'config.json is copied verbatim (no template substitution); an error when config.json.template exists too, because the template is then ignored.',
  check: (ctx) => {
    const plain = ctx.file('config.json')
    if (!plain) return []
    if (ctx.file('config.json.template')) {
      return [
        {
          file: plain.shown,
          severity: 'error',
          message: 'config.json and config.json.template are both present: install copies config.json and silently ignores the template',
          hint: 'delete config.json and keep config.json.template',
        },
      ]
    }
    return [
      {
        file: plain.shown,
        message: 'config.json does not support template substitutions: it is copied as is',
        hint: 'rename it to config.json.template and use variables such as $NAME, ${STATE_DIRECTORY} and ${RUN_DIRECTORY}',
      },
    ]
  },
})

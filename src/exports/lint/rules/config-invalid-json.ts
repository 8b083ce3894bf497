import {configModel} from '../config-model.js'
import {defineRule} from '../types.js'

export const configInvalidJson = defineRule({
  id: 'config/invalid-json',
  severity: 'error',
  description: 'config.json.template, rendered with the sample values, (or config.json) must be valid JSON; the position is given in the template.',
  check: (ctx) => {
    const model = configModel(ctx)
    const r = model.rendered
    if (!model.file || !r || r.parse.ok) return []
    const pos = r.templatePosition(r.parse.offset)
    const inValue = pos.variable === undefined ? '' : ` (inside the value of $${pos.variable})`
    return [
      {
        file: model.file.shown,
        line: pos.line,
        column: pos.column,
        message: `${model.templated ? 'the rendered template' : 'the file'} is not valid JSON: ${r.parse.message}${inValue}`,
        ...(pos.variable === undefined ? {} : {hint: `check the value of ${pos.variable} (rendered: ${JSON.stringify(ctx.values.values[pos.variable] ?? '')})`}),
      },
    ]
  },
})

import {configModel, SAMPLE_MOUNT_FRAGMENT} from '../config-model.js'
import {defineRule, type RuleFinding} from '../types.js'

export const configFragmentRender = defineRule({
  id: 'config/fragment-render',
  severity: 'error',
  description: 'A JSON-fragment variable such as $ADDTL_MOUNTS (default "", right after the last array element) must also give valid JSON when set to a one-mount fragment.',
  check: (ctx) => {
    const model = configModel(ctx)
    if (!model.file || !model.rendered?.parse.ok) return []
    const out: RuleFinding[] = []
    for (const f of model.fragments) {
      const parse = f.rendered.parse
      if (parse.ok) continue
      const at = f.rendered.templatePosition(parse.offset)
      out.push({
        file: model.file.shown,
        line: f.line,
        column: f.column,
        message:
          `with ${f.name}='${SAMPLE_MOUNT_FRAGMENT}' the rendered config is not valid JSON: ${parse.message} ` +
          `(template line ${at.line}, column ${at.column})`,
        hint: `put $${f.name} right after the last element of the array, with no comma before it: users pass fragments that start with ", "`,
      })
    }
    return out
  },
})

import {isProvidedVariable} from '../../variables.js'
import {defineRule, type RuleFinding} from '../types.js'
import {placeOf, templateModel, type TokenPlace} from '../template-model.js'

export const templateUnknownVariable = defineRule({
  id: 'template/unknown-variable',
  severity: 'error',
  description:
    'A template uses a variable that has no value: not provided by sysbuild, no manifest.json default, no `--set`. Install would fail the same way; one finding per variable lists every place it is used.',
  check: (ctx) => {
    const values = ctx.values.values
    const uses = new Map<string, TokenPlace[]>()
    for (const src of templateModel(ctx)) {
      for (const t of src.tokens) {
        if (t.kind !== 'variable' || Object.prototype.hasOwnProperty.call(values, t.name) || isProvidedVariable(t.name)) continue
        uses.set(t.name, [...(uses.get(t.name) ?? []), placeOf(src, t)])
      }
    }
    return [...uses].map(([name, places]): RuleFinding => {
      const first = places[0]!
      return {
        file: first.file,
        ...(first.line === undefined ? {} : {line: first.line}),
        ...(first.column === undefined ? {} : {column: first.column}),
        message: `The template file '${first.file}' still contains an unreplaced value for: '${name}' (used at ${places.map((p) => p.label).join(', ')})`,
        hint: `--set ${name}=VALUE (install needs it too), or give "${name}" a default in manifest.json defaultValues`,
      }
    })
  },
})

import {refusedDefaultReason} from '../../manifest.js'
import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule, type RuleFinding} from '../types.js'

export const manifestValueType = defineRule({
  id: 'manifest/value-type',
  severity: 'error',
  description: 'defaultValues should be strings: booleans and null render as Python\'s True/False/None (warning); floats, lists and objects cannot be rendered (error).',
  check: (ctx) => {
    const out: RuleFinding[] = []
    for (const e of manifestModel(ctx).entries) {
      const refused = refusedDefaultReason(e)
      if (refused) {
        const example = e.kind === 'float' ? (e.raw ?? '...') : '...'
        out.push(manifestFinding(ctx, e.pointer, refused, {hint: `write "${e.name}": ${JSON.stringify(example)} (the exact text the templates should get)`}))
      } else if (e.kind === 'boolean' || e.kind === 'null') {
        out.push(
          manifestFinding(ctx, e.pointer, `defaultValues.${e.name} is ${e.kind === 'null' ? 'null' : 'a boolean'}: it renders as Python's "${e.text}"; use a string`, {
            severity: 'warning',
            hint: `write "${e.name}": "${e.text}" to keep today's text, or the string the program expects`,
          }),
        )
      }
    }
    return out
  },
})

import {defineRule, type RuleFinding} from '../types.js'
import {unitModel} from '../unit-model.js'
import {unitAssignments} from '../../unit-file.js'
import {UNIT_ENUM_VALUES} from '../../unit-keys.js'
import {tryRenderTemplate} from '../../template.js'

export const unitInvalidValue = defineRule({
  id: 'unit/invalid-value',
  severity: 'warning',
  description: 'A key with a fixed set of values (Restart=, Type=, NotifyAccess=, KillMode=, ExitType=) has a value systemd does not accept.',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    return unitAssignments(m.unit).flatMap((a): RuleFinding[] => {
      const allowed = UNIT_ENUM_VALUES[`${a.section}.${a.key}`]
      if (!allowed) return []
      const rendered = tryRenderTemplate(a.value, ctx.values.values)
      if (!rendered.ok) return []
      const v = rendered.output.trim()
      if ((v === '' && allowed.emptyOk) || allowed.values.includes(v)) return []
      const from = rendered.output === a.value ? '' : ` (rendered from ${a.value})`
      return [{
        file: m.file.shown,
        line: a.line,
        message: `${a.key}=${v}${v === '' ? ' (empty)' : ''}${from} is not a valid value; systemd ignores the assignment and keeps the default`,
        hint: `Use one of: ${allowed.values.join(', ')}`,
      }]
    })
  },
})

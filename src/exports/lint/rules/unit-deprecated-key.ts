import {defineRule, type RuleFinding} from '../types.js'
import {unitModel} from '../unit-model.js'
import {unitAssignments} from '../../unit-file.js'
import {DEPRECATED_UNIT_KEYS} from '../../unit-keys.js'

export const unitDeprecatedKey = defineRule({
  id: 'unit/deprecated-key',
  severity: 'warning',
  description: 'service.template uses a key systemd 252 still reads but warns about (obsolete or going away).',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    return unitAssignments(m.unit).flatMap((a): RuleFinding[] => {
      const instead = DEPRECATED_UNIT_KEYS[`${a.section}.${a.key}`]
      return instead ? [{file: m.file.shown, line: a.line, message: `${a.key}= is obsolete; systemd warns about it`, hint: `Use ${instead} instead`}] : []
    })
  },
})

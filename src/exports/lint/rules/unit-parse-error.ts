import {defineRule, type RuleFinding} from '../types.js'
import {unitModel} from '../unit-model.js'
import type {UnitInvalidReason} from '../../unit-file.js'

const MESSAGES: Record<UnitInvalidReason, (text: string) => string> = {
  'missing-equals': (t) => `'${t}' is not a section header, comment or Key=Value assignment; systemd ignores the line`,
  'missing-key': (t) => `'${t}' has no key name before '='; systemd ignores the line`,
  'bad-section-header': (t) => `invalid section header '${t}'; systemd refuses to load the unit`,
}

export const unitParseError = defineRule({
  id: 'unit/parse-error',
  severity: 'error',
  description: 'service.template has lines systemd cannot read: not a [Section], Key=Value, comment or blank line, or keys before any section.',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    const file = m.file.shown
    return m.unit.entries.flatMap((e): RuleFinding[] => {
      if (e.kind === 'invalid') return [{file, line: e.line, message: MESSAGES[e.reason](e.raw.join(' ').trim())}]
      if (e.kind === 'assignment' && e.section === undefined) {
        return [{file, line: e.line, message: `${e.key}= comes before any section header; systemd ignores it`, hint: 'Move it under [Unit], [Service] or [Install]'}]
      }
      return []
    })
  },
})

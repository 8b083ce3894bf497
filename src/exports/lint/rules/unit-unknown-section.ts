import {defineRule, type RuleFinding} from '../types.js'
import {unitModel} from '../unit-model.js'
import {isExtensionName, isKnownUnitSection, UNIT_SECTIONS} from '../../unit-keys.js'
import {closestName} from '../closest-name.js'

export const unitUnknownSection = defineRule({
  id: 'unit/unknown-section',
  severity: 'warning',
  description: 'service.template has a section other than [Unit], [Service], [Install] or X-…; systemd ignores it.',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    return m.unit.entries.flatMap((e): RuleFinding[] => {
      if (e.kind !== 'section' || isKnownUnitSection(e.name) || isExtensionName(e.name)) return []
      const near = closestName(e.name, UNIT_SECTIONS)
      return [{
        file: m.file.shown,
        line: e.line,
        message: `unknown section [${e.name}] in a service unit; systemd ignores it and every key in it`,
        hint: near ? `Did you mean [${near}]?` : 'Use [Unit], [Service] or [Install]; name custom sections X-…',
      }]
    })
  },
})

import {defineRule, type RuleFinding} from '../types.js'
import {unitModel} from '../unit-model.js'
import {unitAssignments} from '../../unit-file.js'
import {isExtensionName, isKnownUnitSection, UNIT_KEYS, UNIT_SECTIONS} from '../../unit-keys.js'
import {closestName} from '../closest-name.js'

function hintFor(section: string, key: string): string {
  const home = UNIT_SECTIONS.find((s) => s !== section && UNIT_KEYS[s].has(key))
  if (home) return `${key}= belongs in [${home}]`
  const near = isKnownUnitSection(section) ? closestName(key, UNIT_KEYS[section]) : undefined
  return near ? `Did you mean ${near}=?` : 'Check the spelling (keys are case-sensitive); name custom keys X-…'
}

export const unitUnknownKey = defineRule({
  id: 'unit/unknown-key',
  severity: 'warning',
  description: 'service.template sets a key systemd 252 does not know in [Unit], [Service] or [Install]; systemd ignores it.',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    return unitAssignments(m.unit).flatMap((a): RuleFinding[] => {
      const s = a.section
      if (s === undefined || !isKnownUnitSection(s) || isExtensionName(a.key) || UNIT_KEYS[s].has(a.key)) return []
      return [{file: m.file.shown, line: a.line, message: `unknown key '${a.key}' in section [${s}]; systemd ignores it`, hint: hintFor(s, a.key)}]
    })
  },
})

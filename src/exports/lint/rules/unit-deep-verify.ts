import {defineRule, type RuleFinding} from '../types.js'
import {hasContainerService, unitModel} from '../unit-model.js'
import {verifyUnitText} from '../deep.js'
import {renderForLint} from '../line-map.js'
import {unitEntryAt} from '../../unit-file.js'

export const unitDeepVerify = defineRule({
  id: 'unit/deep-verify',
  severity: 'error',
  description: 'With --deep: the unit rendered with sample values passes `systemd-analyze verify` (missing commands on this machine are warnings).',
  check: async (ctx) => {
    const m = unitModel(ctx)
    if (!ctx.options.deep || !m || !hasContainerService(ctx)) return []
    const file = m.file.shown
    const r = renderForLint(m.file.text, ctx.values.values)
    if (r.missing.length) {
      return [{file, severity: 'info', message: `not verified: no value for ${r.missing.map((n) => `$${n}`).join(', ')} (use --set)`}]
    }
    const check = await verifyUnitText(r.output, ctx.values.values.NAME ?? 'sample')
    if (check.skipped) return [{file, severity: 'info', message: `not verified: ${check.skipped}`}]
    return check.messages.map((msg): RuleFinding => {
      const line = msg.line === undefined ? undefined : (unitEntryAt(m.unit, r.templateLine(msg.line))?.line ?? r.templateLine(msg.line))
      return {file, ...(line === undefined ? {} : {line}), severity: msg.severity, message: `systemd-analyze verify: ${msg.message}`}
    })
  },
})

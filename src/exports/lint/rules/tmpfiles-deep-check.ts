import {defineRule, type RuleFinding} from '../types.js'
import {checkTmpfilesText} from '../deep.js'
import {renderForLint} from '../line-map.js'

export const tmpfilesDeepCheck = defineRule({
  id: 'tmpfiles/deep-check',
  severity: 'error',
  description: 'With --deep: tmpfiles.template rendered with sample values is applied by `systemd-tmpfiles --create` to an empty root without errors.',
  check: async (ctx) => {
    const f = ctx.file('tmpfiles.template')
    if (!ctx.options.deep || !f) return []
    const r = renderForLint(f.text, ctx.values.values)
    if (r.missing.length) {
      return [{file: f.shown, severity: 'info', message: `not checked: no value for ${r.missing.map((n) => `$${n}`).join(', ')} (use --set)`}]
    }
    const check = await checkTmpfilesText(r.output, ctx.values.values.NAME ?? 'sample')
    if (check.skipped) return [{file: f.shown, severity: 'info', message: `not checked: ${check.skipped}`}]
    return check.messages.map((msg): RuleFinding => ({
      file: f.shown,
      ...(msg.line === undefined ? {} : {line: r.templateLine(msg.line)}),
      severity: msg.severity,
      message: `systemd-tmpfiles: ${msg.message}`,
    }))
  },
})

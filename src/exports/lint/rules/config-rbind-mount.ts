import {configFinding, configModel} from '../config-model.js'
import {defineRule, type RuleFinding} from '../types.js'

export const configRbindMount = defineRule({
  id: 'config/rbind-mount',
  severity: 'error',
  description: 'A mount of type "rbind" is not a filesystem type: use type "bind" with the option "rbind".',
  check: (ctx) => {
    const model = configModel(ctx)
    const mounts = model.config?.mounts
    if (!Array.isArray(mounts)) return []
    const out: RuleFinding[] = []
    mounts.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || (m as Record<string, unknown>).type !== 'rbind') return
      const dest = (m as Record<string, unknown>).destination
      out.push(
        configFinding(model, `/mounts/${i}/type`, `mount ${typeof dest === 'string' ? `of ${dest} ` : ''}has type "rbind", which is not a filesystem type`, {
          hint: 'write "type": "bind" and put "rbind" in "options"',
        }),
      )
    })
    return out
  },
})

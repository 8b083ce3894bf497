import {legacyFindings} from '../config-model.js'
import {defineRule} from '../types.js'

export const configLegacySelinuxProcessLabel = defineRule({
  id: 'config/legacy-selinux-process-label',
  severity: 'warning',
  description: 'linux.selinuxProcessLabel (pre-1.0) is ignored by runc 1.1: use process.selinuxLabel.',
  check: (ctx) => legacyFindings(ctx, ['selinux-process-label']),
})

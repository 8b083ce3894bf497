import {legacyFindings} from '../config-model.js'
import {defineRule} from '../types.js'

export const configLegacyIgnoredFields = defineRule({
  id: 'config/legacy-ignored-fields',
  severity: 'info',
  description: 'Pre-1.0 fields runc 1.1 ignores: linux.rlimits and linux.apparmorProfile (a warning when they hold values), null lists, an empty seccomp filter, an empty hooks object.',
  check: (ctx) => legacyFindings(ctx, ['linux-rlimits', 'linux-apparmor-profile', 'null-list', 'empty-seccomp', 'empty-hooks']),
})

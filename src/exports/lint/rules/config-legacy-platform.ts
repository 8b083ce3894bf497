import {legacyFindings} from '../config-model.js'
import {defineRule} from '../types.js'

export const configLegacyPlatform = defineRule({
  id: 'config/legacy-platform',
  severity: 'warning',
  description: 'The top-level platform object is not part of runtime-spec 1.0 (runc ignores it): delete it.',
  check: (ctx) => legacyFindings(ctx, ['platform']),
})

import {legacyFindings} from '../config-model.js'
import {defineRule} from '../types.js'

export const configLegacyProcessCapabilitiesList = defineRule({
  id: 'config/legacy-process-capabilities-list',
  severity: 'warning',
  description: 'process.capabilities as a list (pre-1.0) is refused by runc 1.1: write an object with bounding, effective, inheritable and permitted.',
  check: (ctx) => legacyFindings(ctx, ['process-capabilities-list']),
})

import {legacyFindings} from '../config-model.js'
import {defineRule} from '../types.js'

export const configLegacyOciVersion = defineRule({
  id: 'config/legacy-oci-version',
  severity: 'warning',
  description: 'ociVersion is 0.x or a 1.0.0 pre-release: update it once the other pre-1.0 fields are fixed.',
  check: (ctx) => legacyFindings(ctx, ['oci-version']),
})

import {legacyFindings} from '../config-model.js'
import {defineRule} from '../types.js'

export const configLegacyLinuxCapabilities = defineRule({
  id: 'config/legacy-linux-capabilities',
  severity: 'warning',
  description: 'linux.capabilities (pre-1.0) is silently ignored by runc 1.1, so the process gets no capabilities: move it to process.capabilities.',
  check: (ctx) => legacyFindings(ctx, ['linux-capabilities']),
})

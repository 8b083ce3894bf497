import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

export const manifestMissingVersion = defineRule({
  id: 'manifest/missing-version',
  severity: 'warning',
  description: 'manifest.json has no "version" (nothing reads it, but every published manifest says "1.0").',
  check: (ctx) => {
    const m = manifestModel(ctx)
    if (!m.data || 'version' in m.data) return []
    return [manifestFinding(ctx, '', 'manifest.json has no "version"', {hint: 'add "version": "1.0"'})]
  },
})

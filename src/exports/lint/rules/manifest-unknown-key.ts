import {escapePointerToken} from '../../../core/index.js'
import {MANIFEST_KEYS} from '../../manifest.js'
import {closestName} from '../closest-name.js'
import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

export const manifestUnknownKey = defineRule({
  id: 'manifest/unknown-key',
  severity: 'warning',
  description: 'manifest.json has a key nothing reads (possibly a typo of a known key).',
  check: (ctx) => {
    const data = manifestModel(ctx).data
    if (!data) return []
    const known = new Set<string>(MANIFEST_KEYS)
    return Object.keys(data)
      .filter((k) => !known.has(k))
      .map((k) => {
        const near = closestName(k, MANIFEST_KEYS)
        return manifestFinding(ctx, '/' + escapePointerToken(k), `unknown key "${k}" is ignored${near ? `: did you mean "${near}"?` : ''}`, {
          hint: near ? `rename "${k}" to "${near}"` : `known keys: ${MANIFEST_KEYS.join(', ')}`,
        })
      })
  },
})

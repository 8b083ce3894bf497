import {validateWithSchema} from '../../../core/index.js'
import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

export const manifestSchema = defineRule({
  id: 'manifest/schema',
  severity: 'error',
  description: 'manifest.json keys must have the right types: defaultValues and renameFiles objects of strings, installedFilesTemplate a list of strings, noContainerService and useLinks booleans, version a string.',
  check: (ctx) => {
    const m = manifestModel(ctx)
    if (!m.parse?.ok) return []
    if (!m.data) return [manifestFinding(ctx, '', 'manifest.json must be a JSON object', {hint: 'write {"version": "1.0", "defaultValues": {}}'})]
    return (
      validateWithSchema('exports', 'manifest', m.data)
        // The type of each defaultValues entry is manifest/value-type's business.
        .filter((p) => !/^\/defaultValues\/[^/]+$/.test(p.pointer))
        .map((p) => manifestFinding(ctx, p.pointer, p.message))
    )
  },
})

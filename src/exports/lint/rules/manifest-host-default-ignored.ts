import {HOST_VARIABLES} from '../../variables.js'
import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

/** Host values are filled in before the manifest defaults, so these defaults never apply (UUID comes after them). */
const HOST = new Set(HOST_VARIABLES.map((v) => v.name))

export const manifestHostDefaultIgnored = defineRule({
  id: 'manifest/host-default-ignored',
  severity: 'warning',
  description: 'A defaultValues entry for a host-provided variable (RUN_DIRECTORY, STATE_DIRECTORY, CONF_DIRECTORY, ...) is ignored.',
  check: (ctx) =>
    manifestModel(ctx)
      .entries.filter((e) => HOST.has(e.name))
      .map((e) =>
        manifestFinding(ctx, e.pointer, `defaultValues.${e.name} is ignored: ${e.name} is provided by the host; use --set to change it`, {
          hint: `remove "${e.name}" from defaultValues`,
        }),
      ),
})

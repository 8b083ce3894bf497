import {isForcedVariable} from '../../variables.js'
import {manifestFinding, manifestModel} from '../manifest-model.js'
import {defineRule} from '../types.js'

export const manifestForcedDefault = defineRule({
  id: 'manifest/forced-default',
  severity: 'warning',
  description: 'A defaultValues entry for a variable sysbuild always sets (NAME, DESTDIR, EXEC_START, ...) has no effect.',
  check: (ctx) =>
    manifestModel(ctx)
      .entries.filter((e) => isForcedVariable(e.name))
      .map((e) =>
        manifestFinding(ctx, e.pointer, `defaultValues.${e.name} has no effect: ${e.name} is always set by sysbuild`, {
          hint: `remove "${e.name}" from defaultValues`,
        }),
      ),
})

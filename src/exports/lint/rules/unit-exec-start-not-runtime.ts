import {defineRule, type RuleFinding} from '../types.js'
import {unitModel} from '../unit-model.js'
import {unitAssignments} from '../../unit-file.js'
import {templateVariables} from '../../template.js'

/** Keys whose value should come from sysbuild (atomic-semantics.md §7.2): key, variable, why. */
const EXPECTED: ReadonlyArray<readonly [string, string, string]> = [
  ['ExecStart', 'EXEC_START', 'the service does not start the container with the runtime'],
  ['ExecStop', 'EXEC_STOP', 'stopping the service does not stop the container with the runtime'],
  ['WorkingDirectory', 'DESTDIR', 'the runtime looks for config.json and rootfs/ in the deployment directory'],
]

export const unitExecStartNotRuntime = defineRule({
  id: 'unit/exec-start-not-runtime',
  severity: 'warning',
  description: 'ExecStart=, ExecStop= or WorkingDirectory= in service.template do not use $EXEC_START, $EXEC_STOP or $DESTDIR.',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    return EXPECTED.flatMap(([key, variable, why]): RuleFinding[] => {
      const set = unitAssignments(m.unit, 'Service', key).filter((a) => a.value !== '')
      if (!set.length || set.some((a) => templateVariables(a.value).some((v) => v.name === variable))) return []
      return [{
        file: m.file.shown,
        line: set[0]!.line,
        message: `${key}= does not use $${variable}: ${why}`,
        hint: `${key}=$${variable}${key === 'WorkingDirectory' ? '' : ' (or keep it if the unit really runs a host command)'}`,
      }]
    })
  },
})

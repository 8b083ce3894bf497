import {defineRule} from '../types.js'
import {hasContainerService, unitModel} from '../unit-model.js'
import {effectiveUnitAssignments} from '../../unit-file.js'

export const unitMissingExecStart = defineRule({
  id: 'unit/missing-exec-start',
  severity: 'error',
  description: 'service.template has no ExecStart= in [Service], so systemd refuses to start the unit.',
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m || !hasContainerService(ctx)) return []
    if (effectiveUnitAssignments(m.unit, 'Service', 'ExecStart').length) return []
    const header = m.unit.entries.find((e) => e.kind === 'section' && e.name === 'Service')
    return [{
      file: m.file.shown,
      ...(header ? {line: header.line} : {}),
      message: header ? 'no ExecStart= in [Service]; systemd refuses to start a service without one' : 'no [Service] section with ExecStart=; systemd refuses to start the unit',
      hint: 'Add ExecStart=$EXEC_START under [Service]',
    }]
  },
})

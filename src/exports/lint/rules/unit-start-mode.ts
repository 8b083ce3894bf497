import {defineRule} from '../types.js'
import {hasContainerService, unitModel} from '../unit-model.js'
import {usesPidfileMode} from '../sample-values.js'

const PIDFILE_MODE =
  'install uses pidfile mode: $EXEC_START is `<runtime> run -d --pid-file <PIDFILE> <name>`, $EXEC_STOP is empty, $EXEC_STOPPOST is `<runtime> delete <name>`'
const PLAIN_MODE = 'install uses plain mode: $EXEC_START is `<runtime> run <name>` (in the foreground), $EXEC_STOP is `<runtime> kill <name>`'

export const unitStartMode = defineRule({
  id: 'unit/start-mode',
  severity: 'info',
  description: 'Which start mode install will use: pidfile mode when the unit uses both $PIDFILE and $EXEC_STOPPOST, else plain mode.',
  check: (ctx) => {
    if (!hasContainerService(ctx)) return []
    const m = unitModel(ctx)
    if (!m && ctx.present('service.template')) return [] // unreadable: exports/unreadable-file reports it
    if (!m) return [{file: ctx.shownPath('service.template'), message: `${PIDFILE_MODE} (no service.template: the default unit uses $PIDFILE and $EXEC_STOPPOST)`}]
    const pidfile = usesPidfileMode(m.file.text)
    return [{file: m.file.shown, message: pidfile ? `${PIDFILE_MODE} (the unit uses $PIDFILE and $EXEC_STOPPOST)` : PLAIN_MODE}]
  },
})

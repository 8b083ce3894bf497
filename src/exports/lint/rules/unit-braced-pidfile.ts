import {defineRule} from '../types.js'
import {unitModel} from '../unit-model.js'
import {usesPidfileMode} from '../sample-values.js'
import {templateVariables} from '../../template.js'

export const unitBracedPidfile = defineRule({
  id: 'unit/braced-pidfile',
  severity: 'warning',
  description: "atomic's literal search for $PIDFILE and $EXEC_STOPPOST would pick another start mode than sysbuild (braced ${PIDFILE} spelling).",
  check: (ctx) => {
    const m = unitModel(ctx)
    if (!m) return []
    const text = m.file.text
    const sysbuild = usesPidfileMode(text)
    const atomic = text.includes('$PIDFILE') && text.includes('$EXEC_STOPPOST')
    if (sysbuild === atomic) return []
    const uses = templateVariables(text).filter((v) => v.name === 'PIDFILE' || v.name === 'EXEC_STOPPOST')
    const at = (sysbuild ? uses.find((v) => v.braced) : undefined) ?? uses[0]
    const where = at ? {line: at.line, column: at.column} : {}
    return [
      sysbuild
        ? {
            file: m.file.shown,
            ...where,
            message:
              'sysbuild uses pidfile mode because the unit uses ${PIDFILE} and ${EXEC_STOPPOST}; atomic searched for the literal text $PIDFILE and $EXEC_STOPPOST, missed the braced spelling and used plain mode',
            hint: 'Write $PIDFILE and $EXEC_STOPPOST without braces so that atomic and sysbuild start the container the same way',
          }
        : {
            file: m.file.shown,
            ...where,
            message:
              "atomic would use pidfile mode (the text contains '$PIDFILE' and '$EXEC_STOPPOST'), but the unit does not use both variables (an escaped $$ or a longer name), so sysbuild uses plain mode",
            hint: 'Use the variables $PIDFILE and $EXEC_STOPPOST for pidfile mode, or neither for plain mode',
          },
    ]
  },
})

import {isForcedVariable} from '../../variables.js'
import {defineRule} from '../types.js'

export const templateSetForced = defineRule({
  id: 'template/set-forced',
  severity: 'warning',
  description: '`--set` names a variable sysbuild always computes itself (NAME, DESTDIR, EXEC_*, HOST_UID, HOST_GID, IMAGE_*): the value is ignored.',
  check: (ctx) =>
    Object.keys(ctx.options.set ?? {})
      .filter(isForcedVariable)
      .map((name) => ({
        file: ctx.exports.shownExportsDir,
        message: `${name} is set by sysbuild and cannot be changed with --set`,
        hint: `Remove --set ${name}=…`,
      })),
})

import {defineRule} from '../types.js'

export const exportsUnreadableFile = defineRule({
  id: 'exports/unreadable-file',
  severity: 'error',
  description: 'An exports file, Dockerfile or sysbuild.toml cannot be read as UTF-8 text.',
  check: (ctx) =>
    ctx.exports.unreadable.map((u) => ({file: u.shown, line: u.line, message: u.message.replace(`${u.shown}: `, '')})),
})

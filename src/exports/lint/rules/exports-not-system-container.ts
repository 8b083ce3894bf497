import {defineRule} from '../types.js'

export const exportsNotSystemContainer = defineRule({
  id: 'exports/not-system-container',
  severity: 'info',
  description: 'The directory has a Dockerfile but no /exports files: it is not a system-container image.',
  check: (ctx) =>
    ctx.exports.kind === 'dockerfile-only'
      ? [{file: ctx.exports.dockerfile?.shown ?? ctx.exports.root, message: 'no /exports files: not a system-container image'}]
      : [],
})

import {defineRule} from '../types.js'

export const configMissingTemplate = defineRule({
  id: 'config/missing-template',
  severity: 'warning',
  description: 'The exports files have no config.json.template (nor config.json): install will write a default config.',
  check: (ctx) => {
    const set = ctx.exports
    if (set.kind === 'dockerfile-only') return []
    if (ctx.present('config.json.template') || ctx.present('config.json')) return []
    const hasExports = Object.keys(set.files).length > 0 || set.hostfs !== undefined || set.unreadable.length > 0
    if (!hasExports) return []
    return [
      {
        file: ctx.shownPath('config.json.template'),
        message: 'no config.json.template: a default config will be used (read-only rootfs, the image command, no extra mounts)',
        hint: 'add config.json.template to /exports (sysbuild init writes one)',
      },
    ]
  },
})

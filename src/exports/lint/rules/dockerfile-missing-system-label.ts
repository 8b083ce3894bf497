import {defineRule} from '../types.js'
import {systemDockerfile} from '../dockerfile-model.js'
import {imageLabelOrigins} from '../labels-model.js'

export const dockerfileMissingSystemLabel = defineRule({
  id: 'dockerfile/missing-system-label',
  severity: 'warning',
  description:
    'The Dockerfile of an image with /exports sets no LABEL atomic.type=system, the label that marks system-container images (sysbuild build sets it itself).',
  check: (ctx) => {
    const df = systemDockerfile(ctx)
    if (!df || ctx.exports.kind === 'project') return []
    const label = imageLabelOrigins(ctx).get('atomic.type')
    if (label?.value === 'system') return []
    const line = label && label.from !== 'options' ? label.from.line : undefined
    return [
      {
        file: df.file.shown,
        ...(line === undefined ? {} : {line}),
        message: label ? `LABEL atomic.type is '${label.value}', not 'system'` : 'No LABEL atomic.type=system: the image is not marked as a system container',
        hint: 'LABEL atomic.type="system"',
      },
    ]
  },
})

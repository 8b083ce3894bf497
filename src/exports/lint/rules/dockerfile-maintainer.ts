import {defineRule} from '../types.js'
import {systemDockerfile} from '../dockerfile-model.js'

export const dockerfileMaintainer = defineRule({
  id: 'dockerfile/maintainer',
  severity: 'warning',
  description: 'The deprecated MAINTAINER instruction; the maintainer belongs in a label.',
  check: (ctx) => {
    const df = systemDockerfile(ctx)
    return (df?.instructions ?? [])
      .filter((i) => i.keyword === 'MAINTAINER')
      .map((i) => ({
        file: df!.file.shown,
        line: i.line,
        message: 'Found MAINTAINER.  Please use LABEL maintainer',
        hint: `LABEL maintainer=${JSON.stringify(i.rest)}`,
      }))
  },
})

import {join, relative} from 'node:path'
import {EXPORTS_FILES} from '../../project.js'
import {defineRule, type RuleFinding} from '../types.js'
import {landingPath, systemDockerfile} from '../dockerfile-model.js'

export const dockerfileExportsNotCopied = defineRule({
  id: 'dockerfile/exports-not-copied',
  severity: 'warning',
  description:
    'An exports file (manifest.json, config.json[.template], service.template, tmpfiles.template, hostfs/) is present beside the Dockerfile, but no COPY/ADD puts it into /exports, so the image will not have it.',
  check: (ctx) => {
    const df = systemDockerfile(ctx)
    if (!df || ctx.exports.kind === 'project') return []
    const present = [
      ...EXPORTS_FILES.filter((f) => ctx.present(f)),
      ...(ctx.exports.hostfs ? ['hostfs'] : []),
    ]
    return present.flatMap((name): RuleFinding[] => {
      const abs = join(ctx.exports.exportsDir, name)
      const rel = relative(df.context, abs)
      if (df.copies.some((op) => landingPath(op, abs) === `/exports/${name}`)) return []
      return [
        {
          file: ctx.shownPath(name),
          message: `File ${name} present but not added in the Dockerfile (${df.file.shown}): the image will have no /exports/${name}`,
          hint: rel.startsWith('..')
            ? `Move ${name} into the build context (${df.context}) and COPY it to /exports/`
            : `COPY ${rel} /exports/${name === 'hostfs' ? 'hostfs/' : ''}`,
        },
      ]
    })
  },
})

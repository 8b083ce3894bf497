import {posix} from 'node:path'
import {shellCommands} from '../../dockerfile.js'
import {defineRule, type RuleFinding} from '../types.js'
import {systemDockerfile} from '../dockerfile-model.js'

const MANAGERS = new Set(['yum', 'dnf', 'microdnf', 'tdnf'])

/** A `yum|dnf … install` command without `tsflags=nodocs` (or dnf's `--nodocs`). */
function installsWithDocs(words: readonly string[]): boolean {
  const at = words.findIndex((w) => MANAGERS.has(posix.basename(w)))
  if (at === -1 || !words.slice(at + 1).includes('install')) return false
  return !words.some((w) => w.includes('tsflags=nodocs') || w === '--nodocs')
}

export const dockerfileYumNodocs = defineRule({
  id: 'dockerfile/yum-nodocs',
  severity: 'info',
  description: 'A RUN installs packages with dnf/yum without --setopt=tsflags=nodocs, so documentation ends up in the image.',
  check: (ctx) => {
    const df = systemDockerfile(ctx)
    return (df?.instructions ?? []).flatMap((ins): RuleFinding[] => {
      if (ins.keyword !== 'RUN') return []
      const cmd = shellCommands(ins.json ? ins.json.join(' ') : ins.rest).find(installsWithDocs)
      if (!cmd) return []
      return [
        {
          file: df!.file.shown,
          line: ins.line,
          message: `Found '${cmd.slice(0, 3).join(' ')} …' without '--setopt=tsflags=nodocs'`,
          hint: 'Add --setopt=tsflags=nodocs to reduce the image size unless the documentation is needed',
        },
      ]
    })
  },
})

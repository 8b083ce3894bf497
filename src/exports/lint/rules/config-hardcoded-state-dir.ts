import {configFinding, configModel} from '../config-model.js'
import {defineRule, type RuleFinding} from '../types.js'

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(dir + '/')

/** The variable to use instead of a hard-coded host directory, if any. */
function replacement(source: string): {dir: string; variable: string} | undefined {
  if (under(source, '/var/lib')) return {dir: '/var/lib', variable: 'STATE_DIRECTORY'}
  if (under(source, '/var/run')) return {dir: '/var/run', variable: 'RUN_DIRECTORY'}
  if (under(source, '/run')) return {dir: '/run', variable: 'RUN_DIRECTORY'}
  return undefined
}

export const configHardcodedStateDir = defineRule({
  id: 'config/hardcoded-state-dir',
  severity: 'warning',
  description: 'A bind mount source written as /var/lib/..., /run/... or /var/run/... should use ${STATE_DIRECTORY} or ${RUN_DIRECTORY}.',
  check: (ctx) => {
    const model = configModel(ctx)
    const mounts = model.config?.mounts
    const r = model.rendered
    if (!Array.isArray(mounts) || !r?.parse.ok) return []
    const locations = r.parse.locations
    const out: RuleFinding[] = []
    mounts.forEach((m, i) => {
      if (m === null || typeof m !== 'object') return
      const {type, options, source} = m as Record<string, unknown>
      const bind = type === 'bind' || (Array.isArray(options) && (options.includes('bind') || options.includes('rbind')))
      if (!bind || typeof source !== 'string') return
      const loc = locations.get(`/mounts/${i}/source`)
      // Only sources written literally in the file: ${STATE_DIRECTORY}/x renders to /var/lib/x too.
      if (!loc || !r.isLiteral(loc.value.offset, loc.end)) return
      const use = replacement(source)
      if (!use) return
      const suggested = '${' + use.variable + '}' + source.slice(use.dir.length)
      out.push(
        configFinding(model, `/mounts/${i}/source`, `bind mount source "${source}" hard-codes ${use.dir}`, {
          hint: `write "source": "${suggested}" so that --set ${use.variable}=... moves it`,
        }),
      )
    })
    return out
  },
})

import {configFinding, configModel, objectAt} from '../config-model.js'
import {defineRule} from '../types.js'

export const configRootPath = defineRule({
  id: 'config/root-path',
  severity: 'error',
  description: 'root.path must be exactly "rootfs" (install refuses anything else, even "./rootfs").',
  check: (ctx) => {
    const model = configModel(ctx)
    const config = model.config
    if (!config) return []
    const path = objectAt(config, 'root')?.path
    if (path === 'rootfs') return []
    const what = path === undefined ? 'root.path is missing' : `root.path is ${JSON.stringify(path)}`
    return [
      configFinding(model, '/root/path', `${what}: install refuses it ("Invalid configuration file.  Path must be 'rootfs'")`, {
        hint: 'set "root": {"path": "rootfs", "readonly": true}',
      }),
    ]
  },
})

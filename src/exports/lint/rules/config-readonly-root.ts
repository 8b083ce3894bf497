import {configFinding, configModel, objectAt} from '../config-model.js'
import {isRunOnceImage} from '../labels-model.js'
import {defineRule} from '../types.js'

export const configReadonlyRoot = defineRule({
  id: 'config/readonly-root',
  severity: 'error',
  description: 'root.readonly must be true (install refuses anything else); run-once images (label atomic.run=once, from the Dockerfile or the build spec) are exempt.',
  check: (ctx) => {
    const model = configModel(ctx)
    const config = model.config
    if (!config) return []
    const readonly = objectAt(config, 'root')?.readonly
    if (readonly === true) return []
    if (isRunOnceImage(ctx) && (readonly === false || readonly === undefined)) return []
    const what = readonly === undefined ? 'root.readonly is missing' : `root.readonly is ${JSON.stringify(readonly)}`
    return [
      configFinding(model, '/root/readonly', `${what}: install refuses it ("Invalid configuration file.  Only readonly images are supported")`, {
        hint: 'set "root": {"path": "rootfs", "readonly": true}; deployments share the image files, so the root must stay read-only (write to bind-mounted state directories instead). Images labelled atomic.run=once may be writable.',
      }),
    ]
  },
})

import {defineRule} from '../types.js'
import {placeOf, templateModel} from '../template-model.js'

export const templateInvalidPlaceholder = defineRule({
  id: 'template/invalid-placeholder',
  severity: 'error',
  description:
    'A template (config.json.template, service.template, tmpfiles.template, a renameFiles value, an installedFilesTemplate hostfs file) has a `$` that starts no valid placeholder; Python string.Template, and so install, refuses it.',
  check: (ctx) =>
    templateModel(ctx).flatMap((src) =>
      src.tokens.flatMap((t) => {
        if (t.kind !== 'invalid') return []
        const place = placeOf(src, t)
        const where = src.keyPath ? ` in ${src.keyPath} (column ${t.column} of the value)` : ''
        return [
          {
            file: place.file,
            ...(place.line === undefined ? {} : {line: place.line}),
            ...(place.column === undefined ? {} : {column: place.column}),
            message: `Invalid placeholder '${t.raw}'${where}: a '$' must start $NAME, \${NAME} or $$`,
            hint: 'Write a literal dollar sign as $$; variables are $NAME or ${NAME} (no ${VAR:-default} forms)',
          },
        ]
      }),
    ),
})

/** JSON Schema validation (ajv) against the schemas that live in src/<domain>/schema/. */
import {readFileSync} from 'node:fs'
import type {ValidateFunction, ErrorObject} from 'ajv'
import {packagePath} from './package-root.js'
import {compileSchema, loadPrecompiled} from './precompiled-schema.js'

export interface SchemaProblem {
  /** JSON pointer of the offending value, '' for the document. */
  readonly pointer: string
  readonly message: string
}

const compiled = new Map<string, ValidateFunction>()

/** Compile (once) the schema `src/<domain>/schema/<name>.schema.json`, or load it precompiled (precompiled-schema.ts). */
export function schemaValidator(domain: string, name: string): ValidateFunction {
  const key = `${domain}/${name}`
  let v = compiled.get(key)
  if (!v) {
    const text = readFileSync(packagePath('src', domain, 'schema', `${name}.schema.json`), 'utf8')
    v = loadPrecompiled(domain, name, text) ?? compileSchema(JSON.parse(text) as object)
    compiled.set(key, v)
  }
  return v
}

/** Validate `data`; an empty list means valid. */
export function validateWithSchema(domain: string, name: string, data: unknown): SchemaProblem[] {
  const v = schemaValidator(domain, name)
  if (v(data)) return []
  return (v.errors ?? []).map(describeProblem)
}

function describeProblem(e: ErrorObject): SchemaProblem {
  const where = e.instancePath || '(document)'
  let message = e.message ?? 'is not valid'
  if (e.keyword === 'additionalProperties') message = `has an unknown key '${(e.params as {additionalProperty: string}).additionalProperty}'`
  else if (e.keyword === 'enum') message = `must be one of ${(e.params as {allowedValues: unknown[]}).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`
  return {pointer: e.instancePath, message: `${where} ${message}`}
}

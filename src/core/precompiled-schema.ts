/**
 * Validators compiled ahead of time. Compiling the JSON Schemas with ajv costs a few hundred milliseconds per
 * process (the runtime-spec config schema alone ~0.3 s); `npm run build` (scripts/gen-validators.mjs) writes
 * ajv's standalone code for every schema to dist/validators/<domain>/<name>-<fingerprint>.cjs. The fingerprint
 * covers the schema text, the ajv options and ajv's version, so a file is only used for exactly the schema it
 * was made from; anything else falls back to compiling at run time.
 */
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import type {Options, ValidateFunction} from 'ajv'
import {packagePath} from './package-root.js'

const require = createRequire(import.meta.url)

/** The ajv options of every schema validator (json-schema.ts). */
export const AJV_OPTIONS: Options = {allErrors: true, strict: false, allowUnionTypes: true}

/** 16 hex digits of sha256(ajv version, options, schema text). */
export function schemaFingerprint(schemaText: string): string {
  const {version} = require('ajv/package.json') as {version: string}
  return createHash('sha256').update(`ajv ${version}\n${JSON.stringify(AJV_OPTIONS)}\n${schemaText}`).digest('hex').slice(0, 16)
}

/** Where the precompiled validator of src/<domain>/schema/<name>.schema.json with this text lives. */
export const precompiledPath = (domain: string, name: string, schemaText: string): string =>
  packagePath('dist', 'validators', domain, `${name}-${schemaFingerprint(schemaText)}.cjs`)

/** The precompiled validator for exactly this schema text, if one was generated. */
export function loadPrecompiled(domain: string, name: string, schemaText: string): ValidateFunction | undefined {
  const file = precompiledPath(domain, name, schemaText)
  if (!existsSync(file)) return undefined
  try {
    const validate = require(file) as ValidateFunction
    return typeof validate === 'function' ? validate : undefined
  } catch {
    // Removed or replaced by a build running right now: compile instead.
    return undefined
  }
}

/** Compile at run time (ajv is loaded only then). */
export function compileSchema(schema: object): ValidateFunction {
  const {Ajv} = require('ajv') as typeof import('ajv')
  return new Ajv(AJV_OPTIONS).compile(schema)
}

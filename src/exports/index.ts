/** Public API of the exports domain: templates, variables, values, manifest, build spec, lint, scaffolds. */
export * from './template.js'
export * from './variables.js'
export * from './values.js'
export * from './capabilities.js'
export * from './project.js'
export * from './build-spec.js'
export * from './lint/index.js'
export type {ExportsManifest} from './generated/manifest.js'

/**
 * The deployment's config.json (atomic-semantics.md §6.1, §7.1): `config.json`
 * verbatim, else the rendered template, else the built-in default; parsed, pre-1.0
 * shapes normalised (oci-checklist.md §3), then checked the way atomic checked it.
 * The text is written as rendered when nothing had to change, so it stays the author's.
 */
import {parseJsonText, SysbuildError} from '../core/index.js'
import {renderTemplate, type TemplateValues} from '../exports/template.js'
import {findLegacyShapes, normaliseLegacyConfig} from '../exports/runtime-config.js'
import type {ImageConfig} from '../image/index.js'
import {defaultRuntimeConfig} from './default-config.js'
import type {ImageExports} from './image-exports.js'

export interface ConfigInput {
  readonly exports: ImageExports
  readonly values: TemplateValues
  readonly imageConfig?: ImageConfig
  /** DESTDIR (target spelling), for messages. */
  readonly destdir: string
  /** Run-once images skip the readonly and root.path checks (§12). */
  readonly runOnce?: boolean
  /** false: refuse pre-1.0 shapes instead of converting them (--no-legacy-fixups). */
  readonly legacyFixups?: boolean
  /** --rootfs: root.path becomes this path (§9 step 11) and is not checked against `rootfs`. */
  readonly remoteRootfs?: string
}

export interface DeploymentConfig {
  readonly text: string
  readonly config: Record<string, unknown>
  readonly source: 'config.json' | 'config.json.template' | 'default'
  readonly warnings: readonly string[]
}

export function renderDeploymentConfig(input: ConfigInput): DeploymentConfig {
  const {exports} = input
  const path = `${input.destdir}/config.json`
  let source: DeploymentConfig['source']
  let text: string
  if (exports.configJson !== undefined) {
    source = 'config.json'
    text = exports.configJson
  } else if (exports.configTemplate !== undefined) {
    source = 'config.json.template'
    text = renderTemplate(exports.configTemplate, input.values, 'exports/config.json.template')
  } else {
    source = 'default'
    text = `${JSON.stringify(defaultRuntimeConfig(input.imageConfig), null, 4)}\n`
  }
  const parsed = parseJsonText(text)
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new SysbuildError('SYSBUILD_ENGINE_INVALID_CONFIG', `Invalid json in configuration file: ${path}.`, {
      file: source === 'default' ? path : `exports/${source}`,
      ...(parsed.ok ? {} : {line: parsed.line, column: parsed.column}),
      suggestions: parsed.ok ? ['config.json must be a JSON object'] : [`${parsed.message} (line ${parsed.line}, column ${parsed.column} of the rendered text)`],
    })
  }
  let config = parsed.value as Record<string, unknown>
  const warnings: string[] = []
  const legacy = findLegacyShapes(config).filter((s) => s.normalised)
  if (legacy.length > 0) {
    if (input.legacyFixups === false) {
      throw new SysbuildError('SYSBUILD_ENGINE_INVALID_CONFIG', `Invalid configuration file.  Pre-1.0 fields: ${legacy.map((s) => s.pointer).join(', ')}`, {
        file: `exports/${source}`,
        suggestions: legacy.map((s) => s.hint),
      })
    }
    const fixed = normaliseLegacyConfig(config)
    config = fixed.config as unknown as Record<string, unknown>
    warnings.push(...fixed.warnings.map((w) => `config.json: ${w}`))
    text = `${JSON.stringify(config, null, 4)}\n`
  }
  if (input.remoteRootfs !== undefined) {
    config = {...config, root: {...((config.root ?? {}) as object), path: input.remoteRootfs}}
    text = `${JSON.stringify(config, null, 4)}\n`
  }
  if (!input.runOnce) checkSystemConfig(config, input.remoteRootfs !== undefined)
  return {text, config, source, warnings}
}

/** atomic's `_check_oci_configuration_file` (§7.1). */
export function checkSystemConfig(config: Record<string, unknown>, remote = false): void {
  const root = (config.root ?? {}) as {readonly?: unknown; path?: unknown}
  if (root.readonly !== true) {
    throw new SysbuildError('SYSBUILD_ENGINE_INVALID_CONFIG', 'Invalid configuration file.  Only readonly images are supported', {
      suggestions: ['Set "root": {"path": "rootfs", "readonly": true}; keep writable state in bind mounts'],
    })
  }
  if (root.path !== 'rootfs' && !remote) {
    throw new SysbuildError('SYSBUILD_ENGINE_INVALID_CONFIG', "Invalid configuration file.  Path must be 'rootfs'", {
      suggestions: ['Set "root": {"path": "rootfs", "readonly": true}'],
    })
  }
}

interface Mount {
  readonly type?: unknown
  readonly source?: unknown
  readonly options?: unknown
}

/** Bind-mount sources of a config (mount type or options containing "bind"). */
export function bindSources(config: Record<string, unknown>): string[] {
  const mounts = Array.isArray(config.mounts) ? (config.mounts as Mount[]) : []
  return mounts
    .filter((m) => (typeof m.type === 'string' && m.type.includes('bind')) || (Array.isArray(m.options) && m.options.some((o) => typeof o === 'string' && o.includes('bind'))))
    .flatMap((m) => (typeof m.source === 'string' ? [m.source] : []))
}

/**
 * The tmpfiles conf used when the image has no tmpfiles.template (§6.3): one `d` line per
 * bind source of type bind that does not exist on the host, or '' when all exist.
 */
export function defaultTmpfiles(config: Record<string, unknown>, exists: (target: string) => boolean, uid: string, gid: string): string {
  const mounts = Array.isArray(config.mounts) ? (config.mounts as Mount[]) : []
  return mounts
    .filter((m) => typeof m.type === 'string' && m.type.includes('bind') && typeof m.source === 'string' && !exists(m.source))
    .map((m) => `d    ${m.source as string}   0700 ${uid} ${gid} - -\n`)
    .join('')
}

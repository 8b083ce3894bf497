/**
 * `sysbuild init`: write a new project (sysbuild.toml, exports/, rootfs/, README.md)
 * from one of the scaffolds shipped in the package (scaffolds/<template>/).
 * system-buildah's generate-files + generate-dockerfile, without their quirks
 * (system-buildah.md §3): trailing newlines, executable scripts, a tmpfiles
 * template, /exports/hostfs, values as data.
 */
import {mkdir, readdir, rm, stat} from 'node:fs/promises'
import {basename, join, resolve} from 'node:path'
import {SysbuildError, packagePath, validateWithSchema, writeFileAtomic} from '../core/index.js'
import {fillScaffold, readScaffoldDir, type ScaffoldFile} from './scaffold-files.js'
import {isProvidedVariable} from './variables.js'

export type {ScaffoldFile} from './scaffold-files.js'

export const SCAFFOLD_TEMPLATES = ['hello-world', 'service', 'run-once', 'hostfs'] as const
export type ScaffoldTemplate = (typeof SCAFFOLD_TEMPLATES)[number]

/** Directories every project gets even when empty (git cannot store them in the scaffolds). */
const EMPTY_DIRS = ['exports/hostfs'] as const

const DEFAULT_DESCRIPTION: Record<ScaffoldTemplate, (name: string) => string> = {
  'hello-world': () => 'Hello World system container',
  service: (name) => `The ${name} service`,
  'run-once': (name) => `The ${name} run-once task`,
  hostfs: (name) => `The ${name} service with host files`,
}

export interface InitOptions {
  /** Image name, e.g. `hello-world` or `example/etcd` (build-spec `name` pattern). */
  readonly name: string
  readonly template?: string
  /** Target directory (default: the last component of the name, in the current directory). */
  readonly dir?: string
  /** Write into a non-empty directory, replacing the scaffold's files. */
  readonly force?: boolean
  /** Unit `Description=` and image `summary` label. */
  readonly description?: string
  /** `K=V` items for manifest.json defaultValues. */
  readonly defaults?: readonly string[]
}

export interface ScaffoldPlan {
  /** Absolute target directory. */
  readonly dir: string
  readonly template: ScaffoldTemplate
  readonly files: readonly ScaffoldFile[]
  /** Directories created even when empty, relative to dir. */
  readonly dirs: readonly string[]
}

export interface InitResult {
  readonly dir: string
  readonly template: ScaffoldTemplate
  /** Written files, relative to dir, sorted. */
  readonly files: string[]
}

export const isScaffoldTemplate = (t: string): t is ScaffoldTemplate => (SCAFFOLD_TEMPLATES as readonly string[]).includes(t)

/** Validate the options and compute every file of the new project; touches nothing. */
export async function planProject(opts: InitOptions): Promise<ScaffoldPlan> {
  const template = opts.template ?? 'hello-world'
  if (!isScaffoldTemplate(template)) {
    throw new SysbuildError('SYSBUILD_INIT_UNKNOWN_TEMPLATE', `unknown template '${template}': choose one of ${SCAFFOLD_TEMPLATES.join(', ')}`, {
      suggestions: SCAFFOLD_TEMPLATES.map((t) => `--template ${t}`),
    })
  }
  checkImageName(opts.name)
  const name = opts.name.split('/').pop()!
  const description = opts.description ?? DEFAULT_DESCRIPTION[template](name)
  checkDescription(description)
  const defaults = parseDefaults(opts.defaults ?? [])
  const files = fillScaffold(await readScaffoldDir(packagePath('scaffolds', template)), {name, image: opts.name, description, defaults})
  return {dir: resolve(opts.dir ?? name), template, files, dirs: [...EMPTY_DIRS]}
}

/** Write a new project. Refuses a non-empty target without `force`; removes what it created on failure. */
export async function initProject(opts: InitOptions): Promise<InitResult> {
  const plan = await planProject(opts)
  const created = await prepareTarget(plan.dir, opts.force ?? false, opts.dir ?? basename(plan.dir))
  try {
    for (const d of plan.dirs) await makeDir(join(plan.dir, d))
    for (const f of plan.files) await writeFileAtomic(join(plan.dir, f.path), f.content, {mode: f.mode})
  } catch (e) {
    if (created) await rm(plan.dir, {recursive: true, force: true})
    throw e
  }
  return {dir: plan.dir, template: plan.template, files: plan.files.map((f) => f.path).sort()}
}

/** Returns true when the directory was created (so a failure can remove it). */
async function prepareTarget(dir: string, force: boolean, shown: string): Promise<boolean> {
  let isDir: boolean
  try {
    isDir = (await stat(dir)).isDirectory()
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeFailed(dir, e)
    await makeDir(dir)
    return true
  }
  if (!isDir) {
    throw new SysbuildError('SYSBUILD_INIT_TARGET_NOT_EMPTY', 'exists and is not a directory', {
      file: shown,
      suggestions: ['--dir PATH'],
    })
  }
  if (!force && (await readdir(dir)).length > 0) {
    throw new SysbuildError('SYSBUILD_INIT_TARGET_NOT_EMPTY', 'the directory is not empty; not writing the project into it', {
      file: shown,
      suggestions: ['--force to write the scaffold files over it', '--dir PATH to choose another directory'],
    })
  }
  return false
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, {recursive: true})
  } catch (e) {
    throw writeFailed(dir, e)
  }
}

const writeFailed = (path: string, e: unknown): SysbuildError =>
  new SysbuildError('SYSBUILD_CORE_FILE_WRITE_FAILED', `cannot create ${path}: ${(e as Error).message}`, {file: path}, e)

function checkImageName(name: string): void {
  if (validateWithSchema('exports', 'build-spec', {name}).length === 0) return
  throw new SysbuildError(
    'SYSBUILD_USAGE_INVALID_ARGUMENT',
    `invalid image name '${name}': use lowercase letters and digits, separated by single '.', '_' or '-', with '/' between path components`,
    {suggestions: ['sysbuild init hello-world', 'sysbuild init example/my-service']},
  )
}

function checkDescription(description: string): void {
  if (/[\u0000-\u001f\u007f]/.test(description) || description.trim() === '') {
    throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', '--description must be one non-empty line of text without control characters')
  }
}

function parseDefaults(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of items) {
    const eq = item.indexOf('=')
    const key = eq === -1 ? item : item.slice(0, eq)
    if (eq <= 0 || !/^[_A-Za-z][_A-Za-z0-9]*$/.test(key)) {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `Invalid value '${item}'.  Expected form NAME=VALUE with NAME a template variable name`, {
        suggestions: ['--default PORT=8080'],
      })
    }
    if (isProvidedVariable(key)) {
      throw new SysbuildError('SYSBUILD_USAGE_INVALID_ARGUMENT', `--default ${key}: ${key} is provided by sysbuild at install time; a default would be ignored`, {
        suggestions: [`--set ${key}=VALUE at install time`],
      })
    }
    out[key] = item.slice(eq + 1)
  }
  return out
}

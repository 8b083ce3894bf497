/**
 * Typed errors with stable codes. Libraries throw these and never print or exit;
 * the command edge (commands/base-command.ts) renders them once and maps the code
 * to an exit code.
 *
 * Every code is listed here exactly once, with its exit code and a one-line
 * description; the README's error table is generated from this list.
 */

/** Documented exit codes. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  lint: 3,
  registryAuth: 4,
  external: 5,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

interface CodeInfo {
  readonly exit: ExitCode
  readonly description: string
}

const code = (exit: ExitCode, description: string): CodeInfo => ({exit, description})

export const ERROR_CODES = {
  // core
  SYSBUILD_CORE_BUG: code(EXIT.failure, 'an internal invariant was broken (please report it)'),
  SYSBUILD_CORE_FILE_NOT_FOUND: code(EXIT.failure, 'a file or directory named on the command line or in a spec does not exist'),
  SYSBUILD_CORE_FILE_UNREADABLE: code(EXIT.failure, 'a file exists but cannot be read'),
  SYSBUILD_CORE_FILE_WRITE_FAILED: code(EXIT.failure, 'a file could not be written'),
  SYSBUILD_CORE_EXTERNAL_MISSING: code(EXIT.external, 'an external tool (runc, systemctl, systemd-tmpfiles, ...) is not installed'),
  SYSBUILD_CORE_EXTERNAL_FAILED: code(EXIT.external, 'an external tool exited with an error'),
  // usage
  SYSBUILD_USAGE_INVALID_ARGUMENT: code(EXIT.usage, 'an argument or flag value is not valid'),
  SYSBUILD_USAGE_INVALID_SET: code(EXIT.usage, 'a --set value is not of the form NAME=VALUE'),
  SYSBUILD_USAGE_NOT_A_PROJECT: code(EXIT.usage, 'the path is neither a sysbuild project nor an exports directory'),
  // exports: templates, manifest, build spec
  SYSBUILD_EXPORTS_TEMPLATE_UNKNOWN_VAR: code(EXIT.failure, 'a template uses a variable that has no value'),
  SYSBUILD_EXPORTS_TEMPLATE_INVALID_PLACEHOLDER: code(EXIT.failure, 'a template contains a `$` that starts no valid placeholder'),
  SYSBUILD_EXPORTS_INVALID_JSON: code(EXIT.failure, 'a JSON file (or a rendered JSON template) does not parse'),
  SYSBUILD_EXPORTS_INVALID_TOML: code(EXIT.failure, 'a TOML file does not parse'),
  SYSBUILD_EXPORTS_SCHEMA_VIOLATION: code(EXIT.failure, 'a JSON or TOML document does not match its schema'),
  SYSBUILD_EXPORTS_BINARY_FILE: code(EXIT.failure, 'a text file (template, manifest, spec) contains binary data or invalid UTF-8'),
  // lint
  SYSBUILD_LINT_FOUND_ERRORS: code(EXIT.lint, 'lint found errors (or warnings with --strict)'),
  // init
  SYSBUILD_INIT_TARGET_NOT_EMPTY: code(EXIT.failure, 'the target directory of `init` is not empty (use --force)'),
  SYSBUILD_INIT_UNKNOWN_TEMPLATE: code(EXIT.usage, 'no scaffold of that name exists'),
  // image (build issue)
  SYSBUILD_IMAGE_INVALID_REFERENCE: code(EXIT.usage, 'an image reference or transport spelling is not valid'),
  SYSBUILD_IMAGE_NOT_FOUND: code(EXIT.failure, 'an image is not in the store, layout or archive'),
  SYSBUILD_IMAGE_DIGEST_MISMATCH: code(EXIT.failure, 'a blob does not match its descriptor digest or size'),
  SYSBUILD_IMAGE_INVALID_ARCHIVE: code(EXIT.failure, 'an archive or OCI layout is malformed'),
  SYSBUILD_IMAGE_UNSUPPORTED_FILE: code(EXIT.failure, 'a rootfs holds a file type that cannot be put in a layer'),
  SYSBUILD_IMAGE_HOSTILE_PATH: code(EXIT.failure, 'a tar entry would land outside its destination'),
  SYSBUILD_IMAGE_STORE_LOCKED: code(EXIT.failure, 'another process holds the lock of an image store (index.json)'),
  // registry (registry issue)
  SYSBUILD_REGISTRY_UNAUTHORIZED: code(EXIT.registryAuth, 'the registry refused the credentials'),
  SYSBUILD_REGISTRY_DENIED: code(EXIT.registryAuth, 'the registry denied access to the repository'),
  SYSBUILD_REGISTRY_NOT_FOUND: code(EXIT.failure, 'the repository, tag or blob does not exist in the registry'),
  SYSBUILD_REGISTRY_UNREACHABLE: code(EXIT.failure, 'the registry cannot be reached'),
  SYSBUILD_REGISTRY_PROTOCOL: code(EXIT.failure, 'the registry answered something the distribution spec does not allow'),
  SYSBUILD_REGISTRY_REJECTED: code(EXIT.failure, 'the registry rejected a request as invalid (manifest, name, digest, size, unsupported)'),
  SYSBUILD_REGISTRY_UNAVAILABLE: code(EXIT.failure, 'the registry kept failing (5xx, 429, dropped connections) after retries'),
  SYSBUILD_REGISTRY_NO_MATCHING_PLATFORM: code(EXIT.failure, 'no manifest in the image index matches the requested platform'),
  SYSBUILD_REGISTRY_CREDENTIAL_STORE: code(EXIT.failure, 'config.json, auth.json or a docker-credential helper cannot be read or written'),
  // engine (engine issue)
  SYSBUILD_ENGINE_ALREADY_PRESENT: code(EXIT.failure, 'a container of that name is already installed'),
  SYSBUILD_ENGINE_NOT_INSTALLED: code(EXIT.failure, 'no container of that name is installed'),
  SYSBUILD_ENGINE_INVALID_NAME: code(EXIT.usage, 'a container name is not valid'),
  SYSBUILD_ENGINE_INVALID_CONFIG: code(EXIT.failure, 'the rendered config.json is refused (readonly, root.path, JSON)'),
  SYSBUILD_ENGINE_FILE_EXISTS: code(EXIT.failure, 'a unit or tmpfiles file of that name already exists on the host'),
  SYSBUILD_ENGINE_RUNTIME_MISSING: code(EXIT.external, 'the OCI runtime is not installed'),
  SYSBUILD_ENGINE_RUNC_FAILED: code(EXIT.external, 'runc exited with an error'),
  SYSBUILD_ENGINE_LOCKED: code(EXIT.failure, 'another sysbuild process holds the lock of that container'),
  SYSBUILD_ENGINE_NO_ROLLBACK: code(EXIT.failure, 'there is no previous deployment to roll back to'),
  SYSBUILD_ENGINE_BROKEN: code(EXIT.failure, 'a deployment is incomplete: missing or invalid info file, dangling link'),
  SYSBUILD_ENGINE_NOT_RUNNING: code(EXIT.failure, 'the container is not running (exec, --detach, logs --follow)'),
  SYSBUILD_ENGINE_START_FAILED: code(EXIT.failure, 'the container did not start or stay up'),
  SYSBUILD_ENGINE_IMAGE_IN_USE: code(EXIT.failure, 'an image cannot be removed while a deployment uses it'),
  SYSBUILD_ENGINE_FAULT_INJECTED: code(EXIT.failure, 'a test-only fault was injected (never seen in normal use)'),
} as const satisfies Record<string, CodeInfo>

export type ErrorCode = keyof typeof ERROR_CODES

export interface ErrorHint {
  /** Things the user can try, shown as "Try this:". */
  readonly suggestions?: readonly string[]
  /** A URL or document reference. */
  readonly ref?: string
  /** The file the error is about, when there is one. */
  readonly file?: string
  /** 1-based line and column inside `file`. */
  readonly line?: number
  readonly column?: number
}

export class SysbuildError extends Error {
  override readonly name: string = 'SysbuildError'

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: ErrorHint = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : {cause})
  }

  get exitCode(): ExitCode {
    return ERROR_CODES[this.code].exit
  }
}

/** A broken invariant inside sysbuild: never the user's fault. */
export class BugError extends SysbuildError {
  override readonly name = 'BugError'
  constructor(message: string, cause?: unknown) {
    super('SYSBUILD_CORE_BUG', message, {}, cause)
  }
}

/** An external command failed; carries what is needed to show the user why. */
export class ExternalCommandError extends SysbuildError {
  override readonly name = 'ExternalCommandError'
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
    message?: string,
  ) {
    super(
      'SYSBUILD_CORE_EXTERNAL_FAILED',
      message ?? `${[command, ...args].join(' ')} failed (exit ${status ?? 'signal'})${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
    )
  }
}

export const isSysbuildError = (e: unknown): e is SysbuildError => e instanceof SysbuildError

/** Prefix a location to a message the way compilers do: `file:line:col: message`. */
export function located(file: string | undefined, line: number | undefined, column: number | undefined, message: string): string {
  if (!file) return message
  const pos = line === undefined ? '' : column === undefined ? `:${line}` : `:${line}:${column}`
  return `${file}${pos}: ${message}`
}

/**
 * The one-line text of an error for the user: its message located at `hint.file` (and line/column), without
 * naming the file twice when the message already does (`FILE: …` gets the position added; `FILE:LINE: …` and
 * messages naming the file elsewhere, with no position to add, are kept as they are).
 */
export function errorText(message: string, hint: ErrorHint = {}): string {
  const {file, line, column} = hint
  if (!file) return message
  if (message.startsWith(`${file}: `)) return located(file, line, column, message.slice(file.length + 2))
  if (message.startsWith(`${file}:`) && /^\d/.test(message.slice(file.length + 1))) return message
  if (line === undefined && message.includes(file)) return message
  return located(file, line, column, message)
}

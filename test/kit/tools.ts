/**
 * The external oracles tests check sysbuild against (skopeo, umoci, GNU tar, python3, pigz, script, ...). An
 * oracle that cannot run must never let a test pass without it:
 * - by default a missing tool marks the test (or suite) skipped, with the reason;
 * - with SYSBUILD_TEST_STRICT=1 (scripts/test.mjs sets it when CI=true) a missing tool fails instead.
 */
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'

const found = new Map<string, boolean>()

/** A command on PATH, or (an absolute path) a file that must exist, such as /usr/bin/runc. */
export const hasTool = (tool: string): boolean => {
  let ok = found.get(tool)
  if (ok === undefined) {
    ok = tool.startsWith('/') ? existsSync(tool) : spawnSync('sh', ['-c', `command -v '${tool}'`]).status === 0
    found.set(tool, ok)
  }
  return ok
}

export const strictTools = (): boolean => ['1', 'true'].includes(process.env.SYSBUILD_TEST_STRICT ?? '')

const strictError = (missing: readonly string[]): Error =>
  new Error(`missing ${missing.join(', ')}, and SYSBUILD_TEST_STRICT is set: an oracle that cannot run fails the test (bash scripts/setup.sh installs it)`)

/** What a test context offers to skip the rest of a test (vitest's `ctx.skip`). */
export interface Skippable {
  skip(note?: string): never
}

/**
 * Inside a test, before an oracle is used: returns when every tool is installed; otherwise fails (strict) or
 * skips the rest of the test, saying which tool is missing. Checks made before the call have already run.
 */
export function needTool(ctx: Skippable, ...tools: string[]): void {
  const missing = tools.filter((t) => !hasTool(t))
  if (!missing.length) return
  if (strictTools()) throw strictError(missing)
  ctx.skip(`missing ${missing.join(', ')}`)
}

/**
 * For `describe.skipIf`/`it.skipIf`: why the tools cannot run (undefined when they all can). In strict mode a
 * missing tool is no reason to skip: this throws while the file is collected, failing it.
 */
export function toolSkipReason(...tools: string[]): string | undefined {
  const missing = tools.filter((t) => !hasTool(t))
  if (!missing.length) return undefined
  if (strictTools()) throw strictError(missing)
  return `missing ${missing.join(', ')}`
}

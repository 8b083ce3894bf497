#!/usr/bin/env node
// The whole test suite: compile, check generated files, run vitest, and end with one
// summary line `tests: N passed, N failed, N skipped` that CI reads.
import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'

const root = new URL('..', import.meta.url).pathname
// In CI (CI=true) an external oracle the tests need (skopeo, umoci, pigz, python3, ...) must fail its test when it
// is missing, not skip it: test/kit/tools.ts reads SYSBUILD_TEST_STRICT. Set SYSBUILD_TEST_STRICT=1 to get the same locally.
if (process.env.CI === 'true' && !process.env.SYSBUILD_TEST_STRICT) process.env.SYSBUILD_TEST_STRICT = '1'
const run = (cmd, args) => spawnSync(cmd, args, {cwd: root, stdio: 'inherit'}).status ?? 1

let failed = 0
if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) { console.error('typecheck failed'); failed++ }
const report = `${root}/.vitest-report.json`
rmSync(report, {force: true})
const extra = process.argv.slice(2)
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra])
let passed = 0, fail = 0, skipped = 0
try {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed = r.numPassedTests; fail = r.numFailedTests; skipped = r.numPendingTests + (r.numTodoTests ?? 0)
  if (r.numFailedTestSuites && !fail) fail = r.numFailedTestSuites
} catch { fail = Math.max(fail, 1) }
if (failed) fail += failed
console.log(`tests: ${passed} passed, ${fail} failed, ${skipped} skipped`)
process.exit(status !== 0 || fail > 0 ? 1 : 0)

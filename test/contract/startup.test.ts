/**
 * What a command loads at start-up: the registry's entry point (push, pull, login) must not pull in the image
 * domain's layer writer, bases, outputs or tar-stream, which only builds and archive sources need (they cost
 * ~40 ms of every registry command). Checked on the compiled modules with a module-loading hook that records every
 * URL node loads, so a static import added anywhere on the path fails this test.
 */
import {describe, it, expect, beforeAll, afterAll} from 'vitest'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {buildCli} from '../commands/run-cli.js'

const root = join(import.meta.dirname, '../..')
let dir: string

beforeAll(() => {
  buildCli()
  dir = mkdtempSync(join(tmpdir(), 'sb-startup-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** Every module URL that importing `modules` (in a fresh node) loads. */
function loadedBy(...modules: string[]): string[] {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`)
  const hooks = join(dir, 'hooks.mjs')
  writeFileSync(hooks, `import {appendFileSync} from 'node:fs'\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + '\\n')\n  return next(url, context)\n}\n`)
  const register = join(dir, 'register.mjs')
  writeFileSync(register, `import {register} from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`)
  const imports = modules.map((m) => `await import(${JSON.stringify(pathToFileURL(join(root, m)).href)})`).join('\n')
  execFileSync(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', imports], {cwd: root})
  return readFileSync(log, 'utf8').trim().split('\n')
}

describe('start-up', () => {
  it('the registry entry point and the push/pull commands load no layer writer, base reader, output or tar-stream', () => {
    const urls = loadedBy('dist/src/registry/index.js', 'dist/commands/pull.js', 'dist/commands/push.js')
    // The check sees the modules it must (it cannot pass by recording nothing).
    expect(urls.some((u) => u.endsWith('/dist/src/registry/pull.js'))).toBe(true)
    expect(urls.some((u) => u.endsWith('/dist/src/image/layout/dir-store.js'))).toBe(true)
    const heavy = urls.filter((u) => /\/dist\/src\/image\/(layer|base|output\/archive)|\/node_modules\/tar-stream\//.test(u))
    expect(heavy).toEqual([])
  })

  it('the engine entry point loads its operations only when called: no install, runc, journal, build or linter at start-up', () => {
    const urls = loadedBy('dist/src/engine/index.js', 'dist/commands/build.js', 'dist/commands/install.js', 'dist/commands/containers.js')
    expect(urls.some((u) => u.endsWith('/dist/src/engine/containers-table.js'))).toBe(true)
    const heavy = urls.filter((u) => /\/dist\/src\/engine\/(install|runc|journal|build|deployment-apply|update|containers-list)\.js$|\/dist\/src\/exports\/lint\/|\/dist\/src\/image\/layer\//.test(u))
    expect(heavy).toEqual([])
  })

  it('the image domain\'s full entry point does load them (the check above can fail)', () => {
    const urls = loadedBy('dist/src/image/index.js')
    expect(urls.some((u) => /\/dist\/src\/image\/layer\/tar-writer\.js$/.test(u))).toBe(true)
    expect(urls.some((u) => /\/node_modules\/tar-stream\//.test(u))).toBe(true)
  })
})

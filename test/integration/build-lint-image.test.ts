/**
 * `sysbuild lint IMAGE` through the compiled CLI: the /exports inside an image in the local store, an OCI layout,
 * a docker-archive and an oci-archive lint like the project they were built from; errors point at
 * IMAGE:/exports/FILE; the image's labels count; whiteouts and hard links across layers are applied as
 * `umoci unpack` applies them (umoci writes those layers too); bad references fail cleanly and leave no temp files.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {cpSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, ROOT, runCli} from '../commands/run-cli.js'
import {toolSkipReason} from '../image/kit.js'

interface Finding {
  rule: string
  severity: string
  file: string
  line?: number
  column?: number
  message: string
}
interface Report {
  findings: Finding[]
  errors: number
}

let w: string
/** TMPDIR of every CLI run: lint must leave it empty. */
let tmp: string
const EPOCH = {SOURCE_DATE_EPOCH: '1700000000'}

beforeAll(() => {
  buildCli()
  w = mkdtempSync(join(tmpdir(), 'sb-lint-image-'))
  tmp = join(w, 'tmp')
  mkdirSync(tmp)
}, 300_000)
afterAll(() => rmSync(w, {recursive: true, force: true}))

const cli = (args: string[]) => runCli(args, {env: {...EPOCH, TMPDIR: tmp}})
const store = (): string => join(w, 'root')

function lintJson(target: string): {status: number | null; report: Report} {
  const r = cli(['lint', '--root', store(), '--json', target])
  expect(hasStackTrace(r.stdout + r.stderr)).toBe(false)
  expect(readdirSync(tmp)).toEqual([])
  return {status: r.status, report: JSON.parse(r.stdout) as Report}
}

/** What a finding says, without where the exports set was (`shownDir` is cut from the file). */
const essence = (shownDir: string) => (f: Finding) => {
  expect(f.file.startsWith(`${shownDir}/`) || f.file === shownDir).toBe(true)
  return {rule: f.rule, severity: f.severity, file: f.file.slice(shownDir.length), line: f.line, column: f.column}
}

function project(name: string, edit: (dir: string) => void): string {
  const dir = join(w, name)
  cpSync(join(ROOT, 'examples', 'hello-world'), dir, {recursive: true})
  edit(dir)
  return dir
}

const sed = (file: string, from: string, to: string): void => {
  const text = readFileSync(file, 'utf8')
  expect(text).toContain(from)
  writeFileSync(file, text.replace(from, to))
}

describe('sysbuild lint IMAGE', () => {
  it('lints the exports of an image in the store, an OCI layout, a docker-archive and an oci-archive like the project', () => {
    const out = (n: string) => join(w, n)
    const built = cli(['build', 'examples/hello-world', '--root', store(), '-o', `oci:${out('oci')}`, '-o', `docker-archive:${out('hw.tar')}`, '-o', `oci-archive:${out('hw-oci.tar')}`])
    expect(built.status).toBe(0)
    const dir = cli(['lint', '--json', 'examples/hello-world'])
    expect(dir.status).toBe(0)
    const expected = (JSON.parse(dir.stdout) as Report).findings.map(essence('examples/hello-world/exports'))
    expect(expected.length).toBeGreaterThan(0)
    for (const ref of ['hello-world', 'hello-world:latest', `oci:${out('oci')}`, `oci:${out('oci')}:latest`, `docker-archive:${out('hw.tar')}`, `oci-archive:${out('hw-oci.tar')}`]) {
      const {status, report} = lintJson(ref)
      expect({ref, status}).toEqual({ref, status: 0})
      expect(report.findings.map(essence(`${ref}:/exports`))).toEqual(expected)
    }
    const text = cli(['lint', '--root', store(), 'hello-world'])
    expect(text.status).toBe(0)
    expect(text.stdout).toContain('hello-world:/exports/service.template: info:')
  })

  it('refuses to build exports with errors; the image built anyway lints with exit 3, pointing into the image', () => {
    const bad = project('bad', (d) => sed(join(d, 'exports', 'config.json.template'), '"PORT=$PORT"', '"PORT=$1"'))
    const dir = cli(['lint', '--json', bad])
    expect(dir.status).toBe(3)
    const wanted = (JSON.parse(dir.stdout) as Report).findings.filter((f) => f.severity === 'error')
    expect(wanted.map((f) => [f.rule, f.file])).toEqual([['template/invalid-placeholder', join(bad, 'exports', 'config.json.template')]])

    const refused = cli(['build', bad, '--root', store(), '-t', 'bad:1', '--json'])
    expect(refused.status).toBe(3)
    expect(JSON.parse(refused.stdout)).toMatchObject({error: {code: 'SYSBUILD_LINT_FOUND_ERRORS'}})
    expect(readFileSync(join(store(), 'var/lib/containers/sysbuild/images/index.json'), 'utf8')).not.toContain('bad:1')

    expect(cli(['build', bad, '--root', store(), '-t', 'bad:1', '--no-lint']).status).toBe(0)
    const {status, report} = lintJson('bad:1')
    expect(status).toBe(3)
    const errors = report.findings.filter((f) => f.severity === 'error')
    expect(errors).toEqual([{...wanted[0], file: 'bad:1:/exports/config.json.template'}])
    const text = cli(['lint', '--root', store(), 'bad:1'])
    expect(text.status).toBe(3)
    expect(text.stdout).toContain(`bad:1:/exports/config.json.template:${wanted[0]!.line}:${wanted[0]!.column}: error:`)
  })

  it('passes the image config labels to lint (atomic.run=once exempts a writable root)', () => {
    const writable = (d: string) => sed(join(d, 'exports', 'config.json.template'), '"readonly": true', '"readonly": false')
    const plain = project('writable', writable)
    const once = project('once', (d) => {
      writable(d)
      sed(join(d, 'sysbuild.toml'), '[labels]\n', '[labels]\n"atomic.run" = "once"\n')
    })
    expect(cli(['build', plain, '--root', store(), '-t', 'writable:1', '--no-lint']).status).toBe(0)
    expect(cli(['build', once, '--root', store(), '-t', 'once:1']).status).toBe(0)
    const a = lintJson('writable:1')
    expect(a.status).toBe(3)
    expect(a.report.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.file])).toEqual([['config/readonly-root', 'writable:1:/exports/config.json.template']])
    const b = lintJson('once:1')
    expect(b.status).toBe(0)
    expect(b.report.findings.map((f) => f.rule)).not.toContain('config/readonly-root')
  })

  it.skipIf(toolSkipReason('umoci'))('applies whiteouts and hard links across layers as umoci unpack does', () => {
    const layout = join(w, 'layered')
    const bad = project('layered-src', (d) => sed(join(d, 'exports', 'config.json.template'), '"PORT=$PORT"', '"PORT=$1"'))
    expect(cli(['build', bad, '--root', store(), '-t', 'layered:1', '--no-lint', '-o', `oci:${layout}:bad`]).status).toBe(0)
    const umoci = (...args: string[]) => {
      const r = spawnSync('umoci', args, {cwd: w, encoding: 'utf8'})
      expect(r.stderr + r.stdout).not.toMatch(/FATA|error/i)
      expect(r.status).toBe(0)
    }
    const bundle = (tag: string) => join(w, `bundle-${tag}`)
    // fixed: a layer on top deletes the broken template (a whiteout) and adds a templated hostfs file that is a hard
    // link to a file outside /exports (umoci stores it as a link entry); its $PORT makes the PORT default used.
    umoci('unpack', '--rootless', '--image', `${layout}:bad`, bundle('fixed'))
    const rootfs = join(bundle('fixed'), 'rootfs')
    rmSync(join(rootfs, 'exports', 'config.json.template'))
    writeFileSync(join(rootfs, 'bin', 'port.conf'), 'port=$PORT\n')
    mkdirSync(join(rootfs, 'exports', 'hostfs', 'etc'), {recursive: true})
    linkSync(join(rootfs, 'bin', 'port.conf'), join(rootfs, 'exports', 'hostfs', 'etc', 'port.conf'))
    const manifestFile = join(rootfs, 'exports', 'manifest.json')
    writeFileSync(manifestFile, JSON.stringify({...JSON.parse(readFileSync(manifestFile, 'utf8')), installedFilesTemplate: ['/etc/port.conf']}, null, 4))
    umoci('repack', '--image', `${layout}:fixed`, bundle('fixed'))
    // gone: a layer on top deletes /exports altogether.
    umoci('unpack', '--rootless', '--image', `${layout}:bad`, bundle('gone'))
    rmSync(join(bundle('gone'), 'rootfs', 'exports'), {recursive: true})
    umoci('repack', '--image', `${layout}:gone`, bundle('gone'))

    const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: {digest: string; annotations: Record<string, string>}[]}
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', top.manifests.find((m) => m.annotations['org.opencontainers.image.ref.name'] === 'fixed')!.digest.slice(7)), 'utf8')) as {layers: {digest: string}[]}
    const listing = spawnSync('tar', ['-tvzf', join(layout, 'blobs/sha256', manifest.layers.at(-1)!.digest.slice(7))], {encoding: 'utf8'}).stdout
    expect(listing).toContain('exports/.wh.config.json.template')
    expect(listing).toMatch(/exports\/hostfs\/etc\/port\.conf link to bin\/port\.conf/)

    expect(lintJson(`oci:${layout}:bad`).status).toBe(3)
    // The oracle: what umoci unpacked, linted as a directory.
    umoci('unpack', '--rootless', '--image', `${layout}:fixed`, join(w, 'oracle'))
    const oracle = cli(['lint', '--json', join(w, 'oracle', 'rootfs')])
    const expected = (JSON.parse(oracle.stdout) as Report).findings.map(essence(join(w, 'oracle', 'rootfs', 'exports')))
    expect(expected.map((f) => f.rule)).toContain('config/missing-template')
    expect(expected.filter((f) => f.rule === 'manifest/unused-default').length).toBe(1) // RECEIVER only: PORT is used
    const fixed = lintJson(`oci:${layout}:fixed`)
    expect(fixed.status).toBe(oracle.status)
    expect(fixed.report.findings.map(essence(`oci:${layout}:fixed:/exports`))).toEqual(expected)

    const gone = lintJson(`oci:${layout}:gone`)
    expect(gone.status).toBe(0)
    expect(gone.report.findings).toEqual([expect.objectContaining({rule: 'exports/not-system-container', file: `oci:${layout}:gone:/exports`})])
  })

  it('fails cleanly on images it cannot read', () => {
    const garbage = join(w, 'garbage.tar')
    writeFileSync(garbage, 'this is not a tar archive\n'.repeat(100))
    const cases: [string, number, string][] = [
      ['nope:1', 1, 'no image of that name in the local store'],
      [`oci:${join(w, 'missing')}`, 1, 'not an OCI image layout'],
      [`docker-archive:${join(w, 'missing.tar')}`, 1, 'is not a file'],
      [`docker-archive:${garbage}`, 1, 'SYSBUILD_IMAGE_INVALID_ARCHIVE'],
      ['docker://registry.example/x:1', 2, 'local images only'],
    ]
    for (const [ref, exit, text] of cases) {
      const r = cli(['lint', '--root', store(), '--json', ref])
      expect({ref, status: r.status}).toEqual({ref, status: exit})
      const {error} = JSON.parse(r.stdout) as {error: {code: string; message: string}}
      expect(`${error.code} ${error.message}`).toContain(text)
      expect(error.message).toContain(ref.replace(/^[a-z-]+:(\/\/)?/, ''))
      expect(hasStackTrace(r.stdout + r.stderr)).toBe(false)
      expect(readdirSync(tmp)).toEqual([])
    }
  })
})

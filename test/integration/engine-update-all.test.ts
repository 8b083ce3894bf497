/**
 * `sysbuild update --all` through the CLI: two installed containers, one whose image tag
 * moved to a new image. The text output keeps atomic's SUMMARY table; `--json` gives one
 * {container, imageIdBefore, imageIdAfter, latestImageId, status} per container. Image ids
 * are checked against the manifest digests skopeo (an independent OCI tool) reports.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, runCli} from '../commands/run-cli.js'
import {engineTestBlockers, umociImage} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemctl', 'systemd-tmpfiles', 'skopeo'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
let layout: string
const config = JSON.stringify({
  ociVersion: '1.0.2',
  process: {terminal: false, user: {uid: 0, gid: 0}, args: ['/bin/sleep', '1000'], cwd: '/', env: ['PATH=/bin']},
  root: {path: 'rootfs', readonly: true},
  mounts: [{destination: '/proc', type: 'proc', source: 'proc'}],
  linux: {namespaces: [{type: 'pid'}, {type: 'mount'}]},
})
const image = (tag: string, version: string) => umociImage(work, layout, tag, {files: {'/exports/config.json.template': config, '/etc/version': `${version}\n`}})
/** Manifest digest (hex) of layout:tag as skopeo sees it. */
const skopeoId = (tag: string): string => {
  const r = spawnSync('skopeo', ['inspect', `oci:${layout}:${tag}`], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(r.stderr)
  return (JSON.parse(r.stdout) as {Digest: string}).Digest.replace(/^sha256:/, '')
}
const cli = (args: string[]) => runCli([...args, '--root', root])

beforeAll(() => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'sysbuild-update-all-'))
  root = join(work, 'root')
  layout = join(work, 'oci')
  mkdirSync(root)
  buildCli()
})
afterAll(() => {
  if (!skip) rmSync(work, {recursive: true, force: true})
})

describe.skipIf(skip)(title('sysbuild update --all'), () => {
  it('updates the container whose image moved, reports both (text SUMMARY and --json)', () => {
    const moving = image('moving', '1')
    const steady = image('steady', '1')
    for (const [name, ref] of [['alpha', moving], ['beta', steady]] as const) {
      const r = cli(['install', '--name', name, ref])
      expect(r.status, r.stderr).toBe(0)
    }
    const alphaBefore = skopeoId('moving')
    const betaId = skopeoId('steady')
    image('moving', '2')
    const alphaAfter = skopeoId('moving')
    expect(alphaAfter).not.toBe(alphaBefore)

    const json = cli(['update', '--all', '--json'])
    expect(json.status, json.stderr).toBe(0)
    expect(hasStackTrace(json.stderr)).toBe(false)
    expect(JSON.parse(json.stdout)).toEqual([
      {container: 'alpha', imageIdBefore: alphaBefore, imageIdAfter: alphaAfter, latestImageId: alphaAfter, status: 'Updated now'},
      {container: 'beta', imageIdBefore: betaId, imageIdAfter: betaId, latestImageId: betaId, status: 'Updated'},
    ])
    const info = cli(['containers', '--all', '--json'])
    const ids = Object.fromEntries((JSON.parse(info.stdout) as {name: string; image_id: string}[]).map((c) => [c.name, c.image_id]))
    expect(ids.alpha).toContain(alphaAfter.slice(0, 12))

    // Text: atomic's SUMMARY; nothing to do now, both up to date.
    image('moving', '3')
    const latest = skopeoId('moving')
    const text = cli(['update', '--all'])
    expect(text.status, text.stderr).toBe(0)
    const lines = text.stdout.split('\n')
    const at = lines.indexOf('SUMMARY')
    expect(at).toBeGreaterThanOrEqual(0)
    expect(lines[at + 1]).toMatch(/^Container\s+Image ID before update\s+Image ID after update\s+Latest image ID\s+Status$/)
    expect(lines[at + 2]!.split(/\s{2,}/)).toEqual(['alpha', alphaAfter.slice(0, 12), latest.slice(0, 12), latest.slice(0, 12), 'Updated now'])
    expect(lines[at + 3]!.split(/\s{2,}/)).toEqual(['beta', betaId.slice(0, 12), betaId.slice(0, 12), betaId.slice(0, 12), 'Updated'])
    for (const name of ['alpha', 'beta']) expect(cli(['uninstall', name]).status).toBe(0)
  })
})

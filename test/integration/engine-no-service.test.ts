/**
 * noContainerService images (atomic-semantics.md §5, §9 step 17, D19): host files only —
 * no unit, no enablement; the rootfs goes except /exports; tmpfiles are created; update and
 * rollback switch the host files; listing says `no service`.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {installContainer, listContainers, rollbackContainer, startContainer, uninstallContainer, updateContainer} from '../../src/engine/index.js'
import {engineTestBlockers, umociImage} from '../kit/engine-images.js'

const blockers = engineTestBlockers(['systemd-tmpfiles', 'systemctl'])
const skip = blockers.length > 0
const title = (t: string): string => (skip ? `${t} (skipped: ${blockers.join(', ')})` : t)

let work: string
let root: string
const files = (version: string) => ({
  '/exports/manifest.json': JSON.stringify({version: '1.0', noContainerService: true, defaultValues: {LEVEL: 'info'}, installedFilesTemplate: ['/etc/tool/tool.conf']}),
  '/exports/hostfs/etc/tool/tool.conf': `level=$LEVEL\nversion=${version}\n`,
  '/exports/hostfs/usr/local/bin/tool': `#!/bin/sh\necho tool ${version}\n`,
  '/exports/tmpfiles.template': 'd    ${STATE_DIRECTORY}/tool    0755 ${HOST_UID} ${HOST_GID} - -\n',
})

beforeAll(() => {
  if (skip) return
  work = mkdtempSync(join(tmpdir(), 'sysbuild-engine-no-service-'))
  root = join(work, 'root')
  mkdirSync(root)
  umociImage(work, join(work, 'oci'), 'v1', {bare: true, files: files('1')})
  umociImage(work, join(work, 'oci'), 'v2', {bare: true, files: files('2')})
})
afterAll(() => {
  if (!skip) rmSync(work, {recursive: true, force: true})
})

const ref = (tag: string) => `oci-layout:${join(work, 'oci')}:${tag}`
const deployment = () => join(root, 'var/lib/containers/atomic', readlinkSync(join(root, 'var/lib/containers/atomic/tool')).split('/').pop()!)

describe.skipIf(skip)(title('engine: noContainerService images'), () => {
  it('install writes host files and tmpfiles entries, no unit; the rootfs keeps only /exports', async () => {
    const r = await installContainer({root, image: ref('v1'), name: 'tool', set: {LEVEL: 'debug'}})
    expect(r.status).toBe('installed')
    expect(readFileSync(join(root, 'etc/tool/tool.conf'), 'utf8')).toBe('level=debug\nversion=1\n')
    // Mode bits come along (§15 step 5).
    expect(lstatSync(join(root, 'usr/local/bin/tool')).mode & 0o777).toBe(0o755)
    expect(existsSync(join(root, 'etc/systemd/system/tool.service'))).toBe(false)
    expect(existsSync(join(root, 'var/lib/tool'))).toBe(true)
    expect(readdirSync(join(deployment(), 'rootfs'))).toEqual(['exports'])
    const info = JSON.parse(readFileSync(join(deployment(), 'info'), 'utf8'))
    expect(info['has-container-service']).toBe(false)
    expect(await listContainers({root})).toEqual([expect.objectContaining({name: 'tool', state: 'no service'})])
    await expect(startContainer({root, name: 'tool'})).rejects.toMatchObject({code: 'SYSBUILD_ENGINE_NOT_RUNNING'})
  })

  it('update and rollback switch the host files, with each deployment’s own values', async () => {
    await updateContainer({root, name: 'tool', rebase: ref('v2'), set: {LEVEL: 'warn'}})
    expect(readFileSync(join(root, 'etc/tool/tool.conf'), 'utf8')).toBe('level=warn\nversion=2\n')
    await rollbackContainer({root, name: 'tool'})
    expect(readFileSync(join(root, 'etc/tool/tool.conf'), 'utf8')).toBe('level=debug\nversion=1\n')
    expect(readFileSync(join(root, 'usr/local/bin/tool'), 'utf8')).toContain('tool 1')
  })

  it('uninstall removes the host files and the directories made for them', async () => {
    await uninstallContainer({root, name: 'tool'})
    expect(existsSync(join(root, 'etc'))).toBe(false)
    expect(existsSync(join(root, 'usr'))).toBe(false)
    expect(readdirSync(join(root, 'var/lib/containers/atomic'))).toEqual(['.sysbuild'])
  })
})

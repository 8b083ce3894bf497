/**
 * A registry reference as a build base (`--from 127.0.0.1:PORT/repo:tag`): the base comes from a real CNCF
 * registry, its layers are reused untouched, and skopeo sees the new image's first layers equal the base's.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {runCliAsync} from '../kit/registry-cli.js'
import {ROOT} from '../commands/run-cli.js'

const skip = registrySkipReason('skopeo')
if (skip) console.log(`skipping registry-base build tests: ${skip}`)

const inspect = (ref: string): {Digest: string; Layers: string[]} =>
  JSON.parse(spawnSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], {encoding: 'utf8'}).stdout)

describe.skipIf(skip)('build from a registry base', () => {
  let reg: TestRegistry
  let work: string
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'sb-regbase-'))
    reg = await startRegistry()
  })
  afterAll(async () => {
    await reg?.stop()
    rmSync(work, {recursive: true, force: true})
  })

  it('pulls the base, reuses its layers and adds its own', async () => {
    const env = {SYSBUILD_ROOT: join(work, 'root')}
    const base = `${reg.host}/sb/hello-base:1`
    expect((await runCliAsync(['build', join(ROOT, 'examples/hello-world'), '--no-lint'], {env})).status).toBe(0)
    const pushed = await runCliAsync(['push', 'hello-world', base], {env})
    expect(pushed.status, pushed.stderr).toBe(0)

    // A second project on top of it, in a fresh store so the base must come from the registry.
    const proj = join(work, 'child')
    mkdirSync(join(proj, 'rootfs/etc'), {recursive: true})
    writeFileSync(join(proj, 'rootfs/etc/child-marker'), 'child\n')
    const env2 = {SYSBUILD_ROOT: join(work, 'root2')}
    const built = await runCliAsync(['build', '--from', base, '--rootfs', join(proj, 'rootfs'), '--exports', join(ROOT, 'examples/hello-world/exports'), '-t', 'child:1', '--no-lint', '-o', `oci:${join(work, 'out')}:child`], {env: env2})
    expect(built.status, built.stderr).toBe(0)
    const child = await runCliAsync(['push', 'child:1', `${reg.host}/sb/child:1`], {env: env2})
    expect(child.status, child.stderr).toBe(0)

    const b = inspect(base)
    const c = inspect(`${reg.host}/sb/child:1`)
    // The base's layers are the child's first layers, byte for byte (same digests); the child adds two.
    expect(c.Layers.slice(0, b.Layers.length)).toEqual(b.Layers)
    expect(c.Layers.length).toBe(b.Layers.length + 2)
    // The child's own layout holds the file it added (GNU tar reads the layer).
    const listing = spawnSync('sh', ['-c', `for f in ${join(work, 'out')}/blobs/sha256/*; do tar -tzf "$f" 2>/dev/null; done`], {encoding: 'utf8'}).stdout
    expect(listing).toContain('etc/child-marker')
    // The registry served the base to the second build (its access log shows the manifest GET).
    expect(reg.accessLog().some((l) => l.method === 'GET' && l.path.includes('/sb/hello-base/manifests/'))).toBe(true)
  })

  it('refuses an unreachable registry base with one clear message', async () => {
    const r = await runCliAsync(['build', '--from', '127.0.0.1:1/nothing/here:1', '--rootfs', join(ROOT, 'examples/hello-world/rootfs'), '--exports', join(ROOT, 'examples/hello-world/exports'), '-t', 'x:1', '--no-lint'], {env: {SYSBUILD_ROOT: join(work, 'root3')}})
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('127.0.0.1:1')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})

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

const skip = registrySkipReason('skopeo', 'curl')
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

  it('takes the registry flags: --creds / --creds-stdin for an htpasswd registry, --no-plain-http and --tls-verify for TLS', async () => {
    const basic = await startRegistry({auth: {htpasswd: {alice: 's3cret'}}})
    const tls = await startRegistry({tls: true})
    try {
      // A private docker config and no podman auth file: only the flags can supply credentials.
      const env = (root: string) => ({SYSBUILD_ROOT: join(work, root), DOCKER_CONFIG: join(work, 'docker'), REGISTRY_AUTH_FILE: join(work, 'no-auth.json')})
      const child = (from: string, root: string, extra: string[] = [], input?: string) =>
        runCliAsync(['build', '--from', from, '--rootfs', join(ROOT, 'examples/hello-world/rootfs'), '--exports', join(ROOT, 'examples/hello-world/exports'), '-t', 'child:1', '--no-lint', '--json', ...extra], {env: env(root), ...(input !== undefined ? {input} : {})})
      const base = `${basic.host}/private/base:1`
      expect((await runCliAsync(['build', join(ROOT, 'examples/hello-world'), '--no-lint', '-t', base], {env: env('creds-src')})).status).toBe(0)
      // push with REF omitted (the local image of that name) and the credentials piped in: stdin is not taken as REF.
      const pushed = await runCliAsync(['push', base, '--creds-stdin'], {env: env('creds-src'), input: 'alice:s3cret\n'})
      expect(pushed.status, pushed.stdout + pushed.stderr).toBe(0)
      const baseLayers = (JSON.parse(spawnSync('skopeo', ['inspect', '--tls-verify=false', '--creds', 'alice:s3cret', `docker://${base}`], {encoding: 'utf8'}).stdout) as {Layers: string[]}).Layers

      // No credentials: the registry's 401 is exit 4, without the password anywhere.
      const refused = await child(base, 'creds-none')
      expect(refused.status, refused.stderr).toBe(4)
      expect((JSON.parse(refused.stdout) as {error: {code: string}}).error.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
      const wrong = await child(base, 'creds-wrong', ['--creds', 'alice:wrong-password'])
      expect(wrong.status).toBe(4)
      expect(wrong.stdout + wrong.stderr).not.toContain('wrong-password')
      // --creds and --creds-stdin: the base is pulled and its layers are the child's first layers.
      for (const [root, extra, input] of [['creds-flag', ['--creds', 'alice:s3cret'], undefined], ['creds-stdin', ['--creds-stdin'], 'alice:s3cret\n']] as const) {
        const r = await child(base, root, [...extra], input)
        expect(r.status, r.stdout + r.stderr).toBe(0)
        const built = JSON.parse(r.stdout) as {layers: {digest: string; base: boolean}[]}
        expect(built.layers.filter((l) => l.base).map((l) => l.digest)).toEqual(baseLayers)
        expect(r.stdout + r.stderr).not.toContain('s3cret')
      }
      expect(basic.accessLog().some((l) => l.method === 'GET' && l.path.includes('/private/base/manifests/') && l.status === 200)).toBe(true)

      // TLS with a self-signed certificate on loopback: --no-plain-http, refused until --tls-verify=false.
      const tlsBase = `${tls.host}/tls/base:1`
      expect((await runCliAsync(['push', base, tlsBase, '--no-plain-http', '--tls-verify=false'], {env: env('creds-src')})).status).toBe(0)
      const unverified = await child(tlsBase, 'tls-refused', ['--no-plain-http'])
      expect(unverified.status).toBe(1)
      expect((JSON.parse(unverified.stdout) as {error: {code: string; message: string}}).error).toMatchObject({code: 'SYSBUILD_REGISTRY_UNREACHABLE', message: expect.stringContaining('TLS handshake')})
      const plainToTls = await child(tlsBase, 'tls-plain')
      expect((JSON.parse(plainToTls.stdout) as {error: {message: string}}).error.message).toContain('speaks HTTPS, not plain HTTP')
      const ok = await child(tlsBase, 'tls-ok', ['--no-plain-http', '--tls-verify=false'])
      expect(ok.status, ok.stderr).toBe(0)
      expect((JSON.parse(ok.stdout) as {layers: {base: boolean}[]}).layers.filter((l) => l.base)).toHaveLength(baseLayers.length)
    } finally {
      await Promise.all([basic.stop(), tls.stop()])
    }
  })

  it('refuses an unreachable registry base with one clear message', async () => {
    const r = await runCliAsync(['build', '--from', '127.0.0.1:1/nothing/here:1', '--rootfs', join(ROOT, 'examples/hello-world/rootfs'), '--exports', join(ROOT, 'examples/hello-world/exports'), '-t', 'x:1', '--no-lint'], {env: {SYSBUILD_ROOT: join(work, 'root3')}})
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('127.0.0.1:1')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})

/**
 * The push, pull, login and logout commands as a user runs them (compiled CLI), against the real registry:
 * stdout carries only the digest, errors are one clear message with a documented exit code, credentials never
 * show up in any output.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace} from '../commands/run-cli.js'
import {runCliAsync} from '../kit/registry-cli.js'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {startTokenServer, type TokenServer} from '../kit/registry-token-server.js'
import {buildTestImage, skopeoInspect, type TestImage} from '../kit/registry-image.js'

const skip = registrySkipReason('skopeo', 'umoci')
/** The exit status, with stderr in the failure message when it is not the expected one. */
const expectStatus = (r: {status: number | null; stderr: string}, want: number) => expect(r.status === want ? {status: want} : {status: r.status, stderr: r.stderr}).toEqual({status: want})
/** oclif wraps messages to the terminal width with ` ›   ` continuation prefixes: undo that. */
const flat = (text: string) => text.replace(/\s*\n ›\s+/g, ' ').replace(/^ ›\s+/gm, '')
if (skip) console.warn(`registry CLI tests skipped: ${skip}`)

describe.skipIf(skip)('sysbuild push / pull / login / logout', () => {
  let dir: string
  let img: TestImage
  let plain: TestRegistry
  let basic: TestRegistry
  let tok: TokenServer
  let token: TestRegistry
  let env: Record<string, string>

  beforeAll(async () => {
    buildCli()
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-regcli-'))
    img = buildTestImage(dir, {randomBytes: 2 << 20})
    plain = await startRegistry()
    basic = await startRegistry({auth: {htpasswd: {alice: 's3cret'}}})
    tok = await startTokenServer({users: {alice: 's3cret'}})
    token = await startRegistry({auth: {token: {realm: tok.realm, service: tok.service, issuer: tok.issuer, certFile: tok.certFile}}})
    // a private docker config and no podman auth file: the tests never read the user's credentials
    env = {DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'no-auth.json'), SYSBUILD_ROOT: join(dir, 'root')}
  })
  afterAll(async () => {
    await Promise.all([plain?.stop(), basic?.stop(), token?.stop()])
    await tok?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  const cli = (args: string[], input?: string) => runCliAsync(args, {env, ...(input !== undefined ? {input} : {})})

  it('push prints only the digest on stdout, writes --digestfile, and skopeo sees that digest', async () => {
    const file = join(dir, 'pushed.digest')
    const r = await cli(['push', `oci:${img.layout}:latest`, `${plain.host}/cli/app:1`, '--digestfile', file])
    expectStatus(r, 0)
    expect(r.stdout).toBe(`${img.digest}\n`)
    expect(readFileSync(file, 'utf8')).toBe(`${img.digest}\n`)
    expect(r.stderr).toContain('uploaded')
    expect((await skopeoInspect(`${plain.host}/cli/app:1`)).Digest).toBe(img.digest)
  })

  it('--json returns the push result', async () => {
    const r = await cli(['push', `oci:${img.layout}:latest`, `${plain.host}/cli/app:1`, '--json'])
    expectStatus(r, 0)
    expect(JSON.parse(r.stdout)).toMatchObject({digest: img.digest, reference: `${plain.host}/cli/app:1`, blobs: {uploaded: 0, skipped: 3}})
    expect(r.stderr).toBe('')
  })

  it('pull stores under --root (SYSBUILD_ROOT), and a push of the pulled name to another repository mounts its blobs', async () => {
    const r = await cli(['pull', `${plain.host}/cli/app:1`])
    expectStatus(r, 0)
    expect(r.stdout).toBe(`${img.digest}\n`)
    const store = join(dir, 'root', 'var', 'lib', 'containers', 'sysbuild', 'images')
    expect(existsSync(join(store, 'blobs', 'sha256', img.digest.slice(7)))).toBe(true)
    const mark = plain.mark()
    const p = await cli(['push', `${plain.host}/cli/app:1`, `${plain.host}/cli/copy:1`, '--json'])
    expectStatus(p, 0)
    expect(JSON.parse(p.stdout).blobs).toMatchObject({mounted: 3, uploaded: 0})
    expect(plain.accessLog().slice(mark).filter((l) => l.path.includes('mount=') && l.status === 201).length).toBe(3)
  })

  it('push REF alone pushes the local image of that name', async () => {
    const r = await cli(['push', `${plain.host}/cli/app:1`])
    expectStatus(r, 0)
    expect(r.stdout).toBe(`${img.digest}\n`)
  })

  it('login checks and stores the credentials (0600), push then needs no flag, logout removes them', async () => {
    const bad = await cli(['login', basic.host, '-u', 'alice', '--password-stdin'], 'wrong-secret\n')
    expectStatus(bad, 4)
    expect(bad.stderr).toContain('SYSBUILD_REGISTRY_UNAUTHORIZED')
    expect(`${bad.stdout}${bad.stderr}`).not.toContain('wrong-secret')
    expect(existsSync(join(dir, 'docker', 'config.json'))).toBe(false)

    const ok = await cli(['login', basic.host, '-u', 'alice', '--password-stdin'], 's3cret\n')
    expectStatus(ok, 0)
    expect(ok.stdout).toBe('Login Succeeded\n')
    const config = join(dir, 'docker', 'config.json')
    expect(statSync(config).mode & 0o777).toBe(0o600)
    expect(Buffer.from(JSON.parse(readFileSync(config, 'utf8')).auths[basic.host].auth, 'base64').toString()).toBe('alice:s3cret')

    const push = await cli(['push', `oci:${img.layout}:latest`, `${basic.host}/cli/app:1`])
    expectStatus(push, 0)
    expect(push.stdout).toBe(`${img.digest}\n`)

    const out = await cli(['logout', basic.host])
    expect(out.stdout).toBe(`Removed login credentials for ${basic.host}\n`)
    expect((await cli(['logout', basic.host])).stdout).toBe(`Not logged in to ${basic.host}\n`)
    const denied = await cli(['pull', `${basic.host}/cli/app:1`])
    expectStatus(denied, 4)
  })

  it('a wrong password through a token server: exit 4, one message, no stack trace, no password', async () => {
    const r = await cli(['push', `oci:${img.layout}:latest`, `${token.host}/cli/app:1`, '--creds-stdin'], 'alice:not-the-password\n')
    expectStatus(r, 4)
    expect(r.stdout).toBe('')
    expect(flat(r.stderr)).toContain(`unable to retrieve auth token: invalid username or password for ${token.host}`)
    expect(r.stderr).toContain('SYSBUILD_REGISTRY_UNAUTHORIZED')
    expect(hasStackTrace(r.stderr)).toBe(false)
    expect(r.stderr).not.toContain('not-the-password')
    const json = await cli(['push', `oci:${img.layout}:latest`, `${token.host}/cli/app:1`, '--creds', 'alice:not-the-password', '--json'])
    expectStatus(json, 4)
    expect(JSON.parse(json.stdout).error.code).toBe('SYSBUILD_REGISTRY_UNAUTHORIZED')
    expect(json.stdout).not.toContain('not-the-password')
  })

  it('with the right credentials the token registry takes the push', async () => {
    const r = await cli(['push', `oci:${img.layout}:latest`, `${token.host}/cli/app:1`, '--creds', 'alice:s3cret'])
    expectStatus(r, 0)
    expect(r.stdout).toBe(`${img.digest}\n`)
  })

  it('an unknown repository: exit 1 with the registry\'s code and the name', async () => {
    const r = await cli(['pull', `${plain.host}/no/such:1`])
    expectStatus(r, 1)
    expect(r.stderr).toContain('SYSBUILD_REGISTRY_NOT_FOUND')
    expect(flat(r.stderr)).toContain(`${plain.host}/no/such`)
    expect(hasStackTrace(r.stderr)).toBe(false)
  })

  it('an unreachable registry: exit 1, "cannot reach registry", and no store created', async () => {
    const root = join(dir, 'root-unreachable')
    const r = await runCliAsync(['pull', '127.0.0.1:1/x/y:1', '--root', root], {env: {...env, SYSBUILD_ROOT: undefined}})
    expectStatus(r, 1)
    expect(flat(r.stderr)).toContain('cannot reach registry 127.0.0.1:1 (connection refused)')
    expect(r.stderr).toContain('SYSBUILD_REGISTRY_UNREACHABLE')
    expect(existsSync(root)).toBe(false)
  })

  it('usage errors exit 2: a bad reference, a bad platform, a bad chunk size', async () => {
    expectStatus(await cli(['pull', 'Not/Valid']), 2)
    expectStatus(await cli(['pull', `${plain.host}/cli/app:1`, '--platform', 'amd64']), 2)
    expectStatus(await cli(['push', `oci:${img.layout}:latest`, `${plain.host}/cli/app:1`, '--chunk-size', 'lots']), 2)
  })

  it('an image that is not in the local store: exit 1 naming it', async () => {
    const r = await cli(['push', 'nothing-here:1', `${plain.host}/cli/x:1`])
    expectStatus(r, 1)
    expect(r.stderr).toContain('nothing-here:1')
    expect(r.stderr).toContain('SYSBUILD_IMAGE_NOT_FOUND')
  })
})

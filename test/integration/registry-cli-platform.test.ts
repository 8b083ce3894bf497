/**
 * `sysbuild pull` of a multi-platform index (pushed by `sysbuild push`, checked by skopeo): without --platform
 * it takes the host's image, with `--platform linux/arm64` the arm64 one (the index says arm64/v8).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli} from '../commands/run-cli.js'
import {runCliAsync} from '../kit/registry-cli.js'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {buildTestIndex, runAsync, skopeoInspect, type TestIndex} from '../kit/registry-image.js'

const skip = registrySkipReason('skopeo', 'umoci')
/** The host in GOARCH spelling, when the test index has an image for it. */
const host = ({x64: 'amd64', arm64: 'arm64'} as Record<string, string>)[process.arch]

describe.skipIf(skip || !host)('sysbuild pull of a multi-platform index', () => {
  let dir: string
  let reg: TestRegistry
  let index: TestIndex
  let env: Record<string, string>
  beforeAll(async () => {
    buildCli()
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-platform-'))
    index = buildTestIndex(join(dir, 'multi'))
    reg = await startRegistry()
    env = {DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'no-auth.json'), SYSBUILD_ROOT: join(dir, 'root')}
  })
  afterAll(async () => {
    await reg?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('takes the host platform by default and the one --platform names', async () => {
    const ref = `${reg.host}/multi/app:1`
    const pushed = await runCliAsync(['push', `oci:${index.layout}:multi`, ref], {env})
    expect(pushed.status, pushed.stderr).toBe(0)
    expect(pushed.stdout.trim()).toBe(index.digest)
    // skopeo sees the index, and resolves it per platform to the two children.
    expect((await skopeoInspect(ref, ['--override-arch', 'arm64'])).Architecture).toBe('arm64')
    expect((await skopeoInspect(ref, ['--override-arch', 'amd64'])).Architecture).toBe('amd64')

    const store = join(dir, 'root', 'var/lib/containers/sysbuild/images')
    const stored = async () => JSON.parse(await runAsync('skopeo', ['inspect', `oci:${store}:${ref}`])) as {Digest: string; Architecture: string}
    const plain = await runCliAsync(['pull', ref, '--json'], {env})
    expect(plain.status, plain.stderr).toBe(0)
    const want = host === 'arm64' ? index.arm64 : index.amd64
    expect(JSON.parse(plain.stdout)).toMatchObject({digest: want.digest, indexDigest: index.digest})
    expect(await stored()).toMatchObject({Digest: want.digest, Architecture: host})

    const arm = await runCliAsync(['pull', ref, '--platform', 'linux/arm64'], {env})
    expect(arm.status, arm.stderr).toBe(0)
    expect(arm.stdout).toBe(`${index.arm64.digest}\n`)
    expect(await stored()).toMatchObject({Digest: index.arm64.digest, Architecture: 'arm64'})

    const none = await runCliAsync(['pull', ref, '--platform', 'linux/s390x'], {env})
    expect(none.status).toBe(1)
    expect(none.stderr).toContain('linux/amd64, linux/arm64/v8')
  })
})

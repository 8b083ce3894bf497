/**
 * A registry on 127.0.0.1 that speaks HTTPS with a self-signed certificate: loopback registries default to plain
 * HTTP, so it takes --no-plain-http; the certificate is refused unless --tls-verify=false.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {buildTestImage, runAsync, type TestImage} from '../kit/registry-image.js'
import {pullImageTo, pushImageFrom} from '../../src/registry/index.js'
import {SysbuildError} from '../../src/core/index.js'

const skip = registrySkipReason('skopeo', 'umoci', 'curl')
if (skip) console.warn(`registry TLS tests skipped: ${skip}`)

describe.skipIf(skip)('a TLS registry with a self-signed certificate', () => {
  let dir: string
  let reg: TestRegistry
  let img: TestImage
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-tls-'))
    img = buildTestImage(dir)
    reg = await startRegistry({tls: true})
  })
  afterAll(async () => {
    await reg?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('refuses the certificate by default, naming --tls-verify=false', async () => {
    const e = (await pushImageFrom(`oci:${img.layout}:latest`, `${reg.host}/tls/app:1`, {storeDir: join(dir, 's'), plainHttp: false}).catch((err: unknown) => err)) as SysbuildError
    expect(e.code).toBe('SYSBUILD_REGISTRY_UNREACHABLE')
    expect(e.message).toContain(`TLS handshake with ${reg.host} failed`)
    expect(e.hint.suggestions?.join(' ')).toContain('--tls-verify=false')
  })

  it('plain HTTP to a TLS port fails clearly too', async () => {
    const e = (await pullImageTo(`${reg.host}/tls/app:1`, join(dir, 's2')).catch((err: unknown) => err)) as SysbuildError
    expect(e.code).toBe('SYSBUILD_REGISTRY_UNREACHABLE')
    expect(e.message).toContain(`${reg.host} speaks HTTPS, not plain HTTP`)
    expect(e.hint.suggestions?.join(' ')).toContain('--no-plain-http')
  })

  it('pushes and pulls with --tls-verify=false; skopeo over TLS sees the digest', async () => {
    const opts = {plainHttp: false, tlsVerify: false}
    const r = await pushImageFrom(`oci:${img.layout}:latest`, `${reg.host}/tls/app:1`, {storeDir: join(dir, 's3'), ...opts})
    expect(r.digest).toBe(img.digest)
    const inspected = JSON.parse(await runAsync('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/tls/app:1`])) as {Digest: string}
    expect(inspected.Digest).toBe(img.digest)
    expect((await pullImageTo(`${reg.host}/tls/app:1`, join(dir, 's4'), opts)).digest).toBe(img.digest)
  })
})

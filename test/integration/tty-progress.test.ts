/**
 * Progress on a terminal: script(1) gives the CLI a pseudo-terminal, so build draws its live
 * `N/M files, X/Y MiB, R MiB/s` line and push its bars per blob, as a user sees them; without a terminal the
 * same commands print plain lines only.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, ROOT} from '../commands/run-cli.js'
import {runCliAsync} from '../kit/registry-cli.js'
import {registrySkipReason, startRegistry, type TestRegistry} from '../kit/registry.js'
import {buildTestImage, type TestImage} from '../kit/registry-image.js'
import {toolSkipReason} from '../kit/tools.js'

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`

/** Run the CLI under `script -qec CMD /dev/null`: stdout and stderr both reach the terminal, whose output we get. */
function onTerminal(args: readonly string[], env: Record<string, string>): Promise<{status: number | null; output: string}> {
  const cmd = ['node', join(ROOT, 'bin', 'run.js'), ...args].map(quote).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {cwd: ROOT, env: {...process.env, ...env, COLUMNS: '200'}, stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => out.push(b))
    child.on('error', reject)
    child.on('close', (status) => resolve({status, output: Buffer.concat(out).toString('utf8')}))
  })
}

const LIVE = /\r\u001b\[K {2}(\d+)\/(\d+) files, (\d+\.\d)\/(\d+\.\d) MiB, (\d+) MiB\/s/g

describe.skipIf(toolSkipReason('script'))('progress on a terminal (script)', () => {
  let dir: string
  beforeAll(() => {
    buildCli()
    dir = mkdtempSync(join(tmpdir(), 'sysbuild-tty-'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('build draws a live files/MiB/rate line per layer on a terminal, and none without one', async () => {
    const env = {SOURCE_DATE_EPOCH: '1700000000'}
    const tty = await onTerminal(['build', 'examples/hello-world', '--root', join(dir, 'r1'), '--no-cache'], env)
    expect(tty.status, tty.output).toBe(0)
    const lines = [...tty.output.matchAll(LIVE)].map((m) => ({files: Number(m[1]), total: Number(m[2]), mib: m[3], totalMib: m[4]}))
    // Each of the three layers ends with its line complete (all files, all bytes); busybox makes the copy layer's MiB.
    const complete = lines.filter((l) => l.files === l.total && l.mib === l.totalMib).filter((l, i, all) => i === 0 || all[i - 1]!.files !== l.files)
    expect(complete.map((l) => l.files)).toEqual([3, 2, 5])
    expect(Number(complete[1]!.totalMib)).toBeGreaterThan(0.5)
    expect(tty.output).toContain('layer 3: exports')
    expect(tty.output).toMatch(/sha256:[a-f0-9]{64}\r?\n/)

    const piped = await runCliAsync(['build', 'examples/hello-world', '--root', join(dir, 'r2'), '--no-cache'], {env})
    expect(piped.status).toBe(0)
    expect(piped.stderr).toContain('layer 3: exports')
    expect(piped.stderr).not.toMatch(/files, .* MiB/)
    expect(piped.stderr).not.toContain('\u001b[')
  })

  describe.skipIf(registrySkipReason('umoci'))('push', () => {
    let reg: TestRegistry
    let img: TestImage
    beforeAll(async () => {
      img = buildTestImage(join(dir, 'img'), {randomBytes: 8 << 20})
      reg = await startRegistry()
    })
    afterAll(async () => {
      await reg?.stop()
    })

    it('push draws one bar per blob on a terminal, redrawn in place, ending with every blob uploaded', async () => {
      const env = {DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'no-auth.json'), SYSBUILD_ROOT: join(dir, 'root')}
      const r = await onTerminal(['push', `oci:${img.layout}:latest`, `${reg.host}/tty/app:1`], env)
      expect(r.status, r.output).toBe(0)
      const manifest = JSON.parse(readFileSync(join(img.layout, 'blobs', 'sha256', img.digest.slice(7)), 'utf8')) as {config: {digest: string}; layers: {digest: string}[]}
      const blobs = [manifest.config, ...manifest.layers].map((d) => d.digest.slice(7, 19)).sort()
      // Redraws move the cursor up over the bars and clear them (ESC [ n F, ESC [ J).
      const frames = r.output.split(/\u001b\[\d+F\u001b\[J/)
      expect(frames.length).toBeGreaterThan(2)
      const BAR = /^([0-9a-f]{12}) (\w+) +\[([= >]{24})\] ([\d.]+ (?:B|KiB|MiB)) \/ ([\d.]+ (?:B|KiB|MiB))/
      const rows = (frame: string) => frame.split(/\r?\n/).map((l) => BAR.exec(l.replace(/\r/g, ''))).filter((m) => m !== null)
      const last = rows(frames.at(-1)!)
      expect(last.map((m) => m[1]).sort()).toEqual(blobs)
      for (const m of last) expect([m[2], m[3], m[4]]).toEqual(['uploaded', '='.repeat(24), m[5]])
      // Some earlier frame showed a blob still on its way (checking or uploading).
      expect(frames.slice(0, -1).flatMap(rows).some((m) => m[2] !== 'uploaded')).toBe(true)
      expect(r.output).toContain(img.digest)

      const piped = await runCliAsync(['push', `oci:${img.layout}:latest`, `${reg.host}/tty/again:1`], {env})
      expect(piped.status).toBe(0)
      expect(piped.stderr).not.toContain('\u001b[')
      expect(piped.stderr).not.toMatch(/\[=+\]/)
    })
  })
})

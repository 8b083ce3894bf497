/** `sysbuild build` as a user runs it: the compiled CLI, its output, exit codes and error messages. */
import {describe, it, expect, beforeAll} from 'vitest'
import {spawnSync} from 'node:child_process'
import {chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildCli, hasStackTrace, ROOT, runCli} from '../commands/run-cli.js'
import {needTool, toolSkipReason} from '../image/kit.js'

const EPOCH = {SOURCE_DATE_EPOCH: '1700000000'}

describe('sysbuild build (CLI)', () => {
  beforeAll(() => buildCli(), 300_000)

  it('builds the hello-world example: prints the digest; --json gives digest, size, layers and timings', async (ctx) => {
    const w = await mkdtemp(join(tmpdir(), 'sb-cli-'))
    try {
      const human = runCli(['build', 'examples/hello-world', '--root', join(w, 'r1')], {env: EPOCH})
      expect(human.status).toBe(0)
      expect(human.stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/)
      expect(human.stderr).toContain('layer 3: exports')
      const json = runCli(['build', 'examples/hello-world', '--root', join(w, 'r2'), '--json', '--output', `oci-archive:${join(w, 'hw.tar')}`], {env: EPOCH})
      expect(json.status).toBe(0)
      const r = JSON.parse(json.stdout) as {digest: string; size: number; layers: {digest: string; cached: boolean}[]; timings: {step: string; ms: number}[]; outputs: unknown[]}
      expect(r.digest).toBe(human.stdout.trim())
      expect(r.layers).toHaveLength(3)
      expect(r.size).toBeGreaterThan(1_000_000)
      expect(r.timings.map((t) => t.step)).toEqual(['plan', 'lint', 'base', 'layer 1: rootfs', 'layer 2: copy', 'layer 3: exports', 'assemble', 'commit', 'outputs'])
      // A second build hits the layer cache for everything.
      const again = JSON.parse(runCli(['build', 'examples/hello-world', '--root', join(w, 'r2'), '--json'], {env: EPOCH}).stdout) as typeof r
      expect(again.digest).toBe(r.digest)
      expect(again.layers.every((l) => l.cached)).toBe(true)
      needTool(ctx, 'skopeo')
      const inspect = JSON.parse(spawnSync('skopeo', ['inspect', `oci-archive:${join(w, 'hw.tar')}:latest`], {encoding: 'utf8'}).stdout) as {Digest: string}
      expect(inspect.Digest).toBe(r.digest)
    } finally {
      await rm(w, {recursive: true, force: true})
    }
  })

  it('--jobs sets how many threads compress, never the bytes: -j 1 and --jobs 3 build the same image', async () => {
    const w = await mkdtemp(join(tmpdir(), 'sb-cli-'))
    try {
      const built = (jobs: string[], root: string) => {
        const r = runCli(['build', 'examples/hello-world', '--root', join(w, root), '--json', ...jobs], {env: EPOCH})
        expect(r.status, r.stderr).toBe(0)
        return JSON.parse(r.stdout) as {digest: string; store: string; layers: {digest: string; size: number}[]}
      }
      const one = built(['-j', '1'], 'j1')
      const three = built(['--jobs', '3'], 'j3')
      expect(three.digest).toBe(one.digest)
      // The rootfs layer is bigger than one 1 MiB block, so the threads really split it; gzip reads it back.
      const biggest = [...one.layers].sort((a, b) => b.size - a.size)[0]!
      expect(biggest.size).toBeGreaterThan(1 << 20)
      const blob = join(one.store, 'blobs', 'sha256', biggest.digest.slice('sha256:'.length))
      expect(spawnSync('gzip', ['-t', blob]).status).toBe(0)
      expect(runCli(['build', 'examples/hello-world', '--root', join(w, 'j0'), '--jobs', '0'], {env: EPOCH}).status).toBe(2)
    } finally {
      await rm(w, {recursive: true, force: true})
    }
  })

  it('refuses a base whose layer would escape the rootfs (as install would), before anything is stored', async () => {
    const w = await mkdtemp(join(tmpdir(), 'sb-cli-'))
    try {
      const {default: tar} = await import('tar-stream')
      const {gzipSync} = await import('node:zlib')
      const {digestOfBytes, MEDIA_TYPES, openLayout} = await import('../../src/image/index.js')
      /** An OCI layout whose one layer holds hand-made entries (tar-stream writes what no real tree produces). */
      const base = async (name: string, entries: {name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string}[]): Promise<string> => {
        const pack = tar.pack()
        const chunks: Buffer[] = []
        pack.on('data', (c: Buffer) => chunks.push(c))
        const ended = new Promise((r) => pack.on('end', r))
        for (const e of entries) {
          await new Promise<void>((res, rej) => pack.entry({name: e.name, type: e.type ?? 'file', mode: 0o644, mtime: new Date(0), linkname: e.linkname}, e.type ? '' : 'x', (err) => (err ? rej(err) : res())))
        }
        pack.finalize()
        await ended
        const raw = Buffer.concat(chunks)
        const store = await openLayout(join(w, name), {create: true})
        const layer = await store.putBlob(gzipSync(raw))
        const config = await store.putJson({architecture: 'amd64', os: 'linux', config: {}, rootfs: {type: 'layers', diff_ids: [digestOfBytes(raw)]}}, MEDIA_TYPES.config)
        await store.tag('latest', await store.putJson({schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers: [{mediaType: MEDIA_TYPES.layerGzip, ...layer}]}, MEDIA_TYPES.manifest))
        return `oci:${join(w, name)}:latest`
      }
      const cases = [
        ['a .. component', [{name: 'a/../../evil'}], '".." component'],
        ['an absolute path', [{name: '/etc/evil'}], 'absolute path'],
        ['a write through its own symlink', [{name: 'up', type: 'symlink', linkname: '/'}, {name: 'up/evil'}], 'through the symlink up'],
        ['a hard link out of the layer', [{name: 'hl', type: 'link', linkname: '../../etc/passwd'}], '".." component'],
      ] as const
      for (const [i, [what, entries, why]] of cases.entries()) {
        const from = await base(`bad-${i}`, entries as unknown as {name: string}[])
        const r = runCli(['build', '--from', from, '--rootfs', 'examples/hello-world/rootfs', '--exports', 'examples/hello-world/exports', '-t', 'x:1', '--root', join(w, 'r'), '--json'], {env: EPOCH})
        expect(r.status, what).toBe(1)
        const err = (JSON.parse(r.stdout) as {error: {code: string; message: string}}).error
        expect(err.code, what).toBe('SYSBUILD_IMAGE_HOSTILE_PATH')
        expect(err.message, what).toContain(why)
        expect(hasStackTrace(r.stderr)).toBe(false)
      }
      // Nothing was stored: the store has no image and no blob of any of these bases.
      const store = join(w, 'r', 'var/lib/containers/sysbuild/images')
      const blobs = await readdir(join(store, 'blobs', 'sha256')).catch(() => [] as string[])
      expect(blobs).toEqual([])
      // A well-formed base of the same shape builds.
      const good = await base('good', [{name: 'usr/bin/tool'}, {name: 'link', type: 'symlink', linkname: '/usr/bin/tool'}])
      expect(runCli(['build', '--from', good, '--rootfs', 'examples/hello-world/rootfs', '--exports', 'examples/hello-world/exports', '-t', 'x:1', '--root', join(w, 'r')], {env: EPOCH}).status).toBe(0)
    } finally {
      await rm(w, {recursive: true, force: true})
    }
  })

  it('reports bad input with a message, a code and the documented exit code, never a stack trace', async () => {
    const w = await mkdtemp(join(tmpdir(), 'sb-cli-'))
    try {
      const cases: [string[], number, string][] = [
        [['build', join(w, 'missing'), '--root', w], 1, 'no such directory'],
        [['build', 'examples/hello-world', '--root', w, '--output', 'tarball:x'], 2, '--output'],
        [['build', 'examples/hello-world', '--root', w, '--from', 'oci:'], 2, 'needs a path'],
        [['build', 'examples/hello-world', '--root', w, '-t', 'UPPER:case'], 2, 'not a valid image name'],
        [['build', 'examples/hello-world', '--root', w, '--compression', 'zip'], 2, 'zip'],
      ]
      for (const [args, exit, text] of cases) {
        const r = runCli(args, {env: EPOCH})
        expect({args, status: r.status}).toEqual({args, status: exit})
        expect(r.stderr).toContain(text)
        expect(hasStackTrace(r.stderr + r.stdout)).toBe(false)
      }
      const proj = join(w, 'broken')
      await cp(join(ROOT, 'examples/hello-world'), proj, {recursive: true})
      await writeFile(join(proj, 'exports', 'service.template'), '[Service]\nExecStart=$EXEC_START\nType=bogus\nExecStart=$UNDEFINED_THING\n')
      const lint = runCli(['build', proj, '--root', w, '--json'], {env: EPOCH})
      expect(lint.status).toBe(3)
      expect(JSON.parse(lint.stdout)).toMatchObject({error: {code: 'SYSBUILD_LINT_FOUND_ERRORS'}})
      expect(runCli(['build', proj, '--root', w, '--no-lint'], {env: EPOCH}).status).toBe(0)
    } finally {
      await rm(w, {recursive: true, force: true})
    }
  })

  it.skipIf(process.getuid?.() !== 0 || toolSkipReason('setpriv'))('an unreadable file fails with its name and leaves the store as it was (run as nobody)', async () => {
    const w = await mkdtemp(join(tmpdir(), 'sb-cli-'))
    try {
      await chmod(w, 0o755)
      await mkdir(join(w, 'rootfs', 'etc'), {recursive: true})
      await writeFile(join(w, 'rootfs', 'etc', 'readable'), 'ok')
      await writeFile(join(w, 'rootfs', 'etc', 'secret'), 'no')
      await chmod(join(w, 'rootfs', 'etc', 'secret'), 0o600)
      await mkdir(join(w, 'store'), {mode: 0o777})
      await chmod(join(w, 'store'), 0o777)
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', join(ROOT, 'bin/run.js'), 'build', '--rootfs', join(w, 'rootfs'), '-t', 'x:1', '--root', join(w, 'store'), '--json'],
        {encoding: 'utf8', cwd: w, env: {...process.env, ...EPOCH, HOME: w}})
      expect(r.status).toBe(1)
      const err = (JSON.parse(r.stdout) as {error: {code: string; message: string}}).error
      expect(err.code).toBe('SYSBUILD_CORE_FILE_UNREADABLE')
      expect(err.message).toContain('etc/secret: permission denied')
      const blobs = await readdir(join(w, 'store/var/lib/containers/sysbuild/images/blobs/sha256')).catch(() => [])
      expect(blobs).toEqual([])
    } finally {
      await rm(w, {recursive: true, force: true})
    }
  })
})

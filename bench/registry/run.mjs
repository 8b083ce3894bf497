#!/usr/bin/env node
// Push and pull of a ~1 GiB image (gzip layers of /usr/bin, /usr/lib/x86_64-linux-gnu, /usr/include, built with
// umoci) to a fresh local CNCF registry, sysbuild side by side with `skopeo copy` in the same run. Each tool gets
// its own fresh registry (skopeo remembers where blobs are and would mount them). Wall time and peak RSS come
// from /usr/bin/time; re-push and pull are also measured inside one library call in a fresh process.
//   npx tsc -p . && node bench/registry/run.mjs [RUNS]
// Everything runs on 127.0.0.1; every registry is stopped by its PID and every file written is removed.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir, loadavg} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

const ROOT = new URL('../../', import.meta.url).pathname
const RUNS = Number(process.argv[2] ?? 1)
const DIRS = ['/usr/bin', '/usr/lib/x86_64-linux-gnu', '/usr/include']
const W = mkdtempSync(join(tmpdir(), 'sysbuild-bench-reg-'))
const registries = new Set()

const sh = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, {encoding: 'utf8', maxBuffer: 64 << 20, ...opts})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/** Wall seconds and peak RSS (MiB) of a command, from GNU time. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  const [s, kib] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number)
  return {s, rssMiB: Math.round(kib / 1024), stdout: r.stdout}
}

function libraryOp(...args) {
  return JSON.parse(sh('node', [join(ROOT, 'bench/registry/op.mjs'), ...args]).trim().split('\n').at(-1))
}

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const {port} = s.address()
    s.close(() => resolve(port))
  })
})

async function startRegistry(name) {
  const dir = join(W, `reg-${name}`)
  mkdirSync(join(dir, 'data'), {recursive: true})
  const host = `127.0.0.1:${await freePort()}`
  writeFileSync(join(dir, 'config.yml'), `version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}}
http: {addr: "${host}", secret: bench-not-secret}
`)
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {stdio: 'ignore'})
  const reg = {host, pid: child.pid, dir, exited: false}
  child.once('exit', () => { reg.exited = true })
  registries.add(reg)
  for (let i = 0; i < 80; i++) {
    if (await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false)) return reg
    await sleep(125)
  }
  throw new Error(`registry on ${host} did not start`)
}

async function stopRegistry(reg) {
  if (!reg.exited) {
    process.kill(reg.pid, 'SIGTERM')
    for (let i = 0; i < 100 && !reg.exited; i++) await sleep(100)
    if (!reg.exited) process.kill(reg.pid, 'SIGKILL')
  }
  registries.delete(reg)
  rmSync(reg.dir, {recursive: true, force: true})
}

const cleanup = async () => {
  for (const reg of [...registries]) await stopRegistry(reg)
  rmSync(W, {recursive: true, force: true})
}
process.on('SIGINT', () => cleanup().then(() => process.exit(130)))

try {
  // the image: one gzip layer per directory, written by umoci (an independent tool)
  const layout = join(W, 'img')
  const t0 = Date.now()
  sh('umoci', ['init', '--layout', layout])
  sh('umoci', ['new', '--image', `${layout}:latest`])
  for (const d of DIRS) sh('umoci', ['insert', '--image', `${layout}:latest`, d, d])
  sh('umoci', ['config', '--image', `${layout}:latest`, '--os', 'linux', '--architecture', 'amd64'])
  sh('umoci', ['gc', '--layout', layout])
  const blobs = join(layout, 'blobs', 'sha256')
  const bytes = readdirSync(blobs).reduce((n, f) => n + statSync(join(blobs, f)).size, 0)
  sh('sh', ['-c', `cat ${blobs}/* > /dev/null`])
  const uncompressed = Number(sh('du', ['-sbc', ...DIRS]).trim().split('\n').at(-1).split('\t')[0])
  console.log(`image: ${(uncompressed / 1e9).toFixed(3)} GB of files, ${(bytes / 1e6).toFixed(1)} MB of blobs (umoci build ${((Date.now() - t0) / 1000).toFixed(1)} s)`)

  const rows = []
  const row = (run, what, m, ref) => rows.push({run, what, s: m.s, rssMiB: m.rssMiB, ref})
  for (let run = 1; run <= RUNS; run++) {
    const load = loadavg()[0].toFixed(1)
    const regS = await startRegistry(`skopeo-${run}`)
    row(run, 'push: skopeo copy oci: → docker://', timed('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${regS.host}/bench/img:1`]), 'skopeo push')
    const regB = await startRegistry(`sysbuild-${run}`)
    row(run, 'push: sysbuild push (CLI)', timed(join(ROOT, 'bin/run.js'), ['push', `oci:${layout}:latest`, `${regB.host}/bench/img:1`]), 'skopeo push')
    row(run, 're-push: sysbuild push (CLI)', timed(join(ROOT, 'bin/run.js'), ['push', `oci:${layout}:latest`, `${regB.host}/bench/img:1`]), 'skopeo push')
    const lib = libraryOp('push', `oci:${layout}:latest`, `${regB.host}/bench/img:1`)
    row(run, 're-push: pushImageFrom() call', {s: lib.ms / 1000, rssMiB: lib.rssMiB}, 'skopeo push')
    row(run, 're-push: skopeo copy', timed('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${regS.host}/bench/img:1`]), 'skopeo push')
    // Pulls write ~0.5 GB each and the disk's speed drifts: odd rounds let skopeo go first, even rounds sysbuild.
    const pulls = [
      () => row(run, 'pull: skopeo copy docker:// → oci:', timed('skopeo', ['copy', '--src-tls-verify=false', `docker://${regB.host}/bench/img:1`, `oci:${join(W, `pull-sk-${run}`)}:img`]), 'skopeo pull'),
      () => row(run, 'pull: sysbuild pull (CLI)', timed(join(ROOT, 'bin/run.js'), ['pull', `${regB.host}/bench/img:1`, '--root', join(W, `root-${run}`)]), 'skopeo pull'),
      () => {
        const libPull = libraryOp('pull', `${regS.host}/bench/img:1`, join(W, `lib-pull-${run}`))
        row(run, 'pull: pullImageTo() call', {s: libPull.ms / 1000, rssMiB: libPull.rssMiB}, 'skopeo pull')
      },
    ]
    for (const pull of run % 2 === 1 ? pulls : [...pulls].reverse()) pull()
    for (const d of [`pull-sk-${run}`, `root-${run}`, `lib-pull-${run}`]) rmSync(join(W, d), {recursive: true, force: true})
    await stopRegistry(regS)
    await stopRegistry(regB)
    console.log(`run ${run} done (load average at start ${load})`)
  }
  const base = (run, ref) => rows.find((r) => r.run === run && r.what.startsWith(ref === 'skopeo push' ? 'push: skopeo' : 'pull: skopeo'))
  console.log('\n| run | what | wall s | MB/s of blobs | vs skopeo | peak RSS MiB |\n|---|---|---|---|---|---|')
  for (const r of rows) {
    const b = base(r.run, r.ref)
    console.log(`| ${r.run} | ${r.what} | ${r.s.toFixed(2)} | ${r.what.startsWith('re-push') ? '–' : (bytes / 1e6 / r.s).toFixed(0)} | ${(r.s / b.s).toFixed(2)}x | ${r.rssMiB} |`)
  }
} finally {
  await cleanup()
}

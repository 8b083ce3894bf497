/**
 * oclif's command manifest (oclif.manifest.json) lets the CLI start without importing every command module:
 * only the command being run is loaded. It is generated (npm run build / prepare, or on the first run after
 * the commands changed) and carries a fingerprint of the compiled commands, so a stale manifest is never used.
 */
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'

export const MANIFEST = 'oclif.manifest.json'

/**
 * sha256 over the paths, sizes and modification times (ns) of dist/commands/**\/*.js; undefined when there are
 * none. Stat only: hashing the contents cost ~13 ms of every start, and a recompiled file always gets a new mtime.
 */
export function commandsFingerprint(root) {
  const dir = join(root, 'dist', 'commands')
  let names
  try {
    names = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((n) => n.endsWith('.js')).sort()
  } catch {
    return undefined
  }
  if (names.length === 0) return undefined
  const h = createHash('sha256')
  for (const n of names) {
    const st = statSync(join(dir, n), {bigint: true})
    h.update(`${n}\0${st.size}\0${st.mtimeNs}\0`)
  }
  return h.digest('hex')
}

/** Whether the manifest matches the compiled commands; a stale one is removed (best effort) so oclif ignores it. */
export function manifestIsCurrent(root, fingerprint = commandsFingerprint(root)) {
  const file = join(root, MANIFEST)
  let current = false
  try {
    current = fingerprint !== undefined && JSON.parse(readFileSync(file, 'utf8'))?.sysbuild?.commands === fingerprint
  } catch (e) {
    if (e.code === 'ENOENT') return false
  }
  if (!current) rmSync(file, {force: true})
  return current
}

/** Write the manifest oclif built while loading `config` (atomically; best effort unless `strict`). */
export function saveManifest(config, root, fingerprint = commandsFingerprint(root), strict = false) {
  const manifest = config.rootPlugin?.manifest
  if (!fingerprint || !manifest || Object.keys(manifest.commands ?? {}).length === 0) {
    if (strict) throw new Error(`no commands found under ${relative(process.cwd(), join(root, 'dist', 'commands'))}: run tsc first`)
    return
  }
  const file = join(root, MANIFEST)
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify({...manifest, sysbuild: {commands: fingerprint}}))
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, {force: true})
    if (strict) throw e
  }
}

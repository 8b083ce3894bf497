/**
 * The files of a scaffold (scaffolds/<template>/ in the package) and how `init`
 * fills them in. Scaffold files are exports templates themselves, so `$NAME` must
 * survive: init-time markers use another syntax, `@NAME@` (container name: the
 * last component of the image name), `@IMAGE@` (full image name) and
 * `@DESCRIPTION@`, escaped for the kind of file they land in.
 */
import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {SysbuildError} from '../core/index.js'

export interface ScaffoldFile {
  /** Path relative to the project directory, `/`-separated. */
  readonly path: string
  readonly content: string
  /** 0o755 for scripts (executable in the scaffold), else 0o644. */
  readonly mode: number
}

export interface ScaffoldValues {
  readonly name: string
  readonly image: string
  readonly description: string
  /** `--default K=V` entries for manifest.json defaultValues, in command-line order. */
  readonly defaults: Readonly<Record<string, string>>
}

/** Every regular file under a scaffold directory, sorted by path. */
export async function readScaffoldDir(dir: string): Promise<ScaffoldFile[]> {
  const out: ScaffoldFile[] = []
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(join(dir, rel), {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) await walk(p)
      else if (e.isFile()) {
        const st = await stat(join(dir, p))
        out.push({path: p, content: await readFile(join(dir, p), 'utf8'), mode: st.mode & 0o111 ? 0o755 : 0o644})
      } else throw new SysbuildError('SYSBUILD_CORE_BUG', `scaffold file ${join(dir, p)} is neither a file nor a directory`)
    }
  }
  await walk('')
  return out
}

/** Fill the markers of every file (content and path) and merge the defaults into manifest.json. */
export function fillScaffold(files: readonly ScaffoldFile[], values: ScaffoldValues): ScaffoldFile[] {
  return files.map((f) => {
    const path = f.path.replaceAll('@NAME@', () => values.name)
    let content = fillMarkers(f.content, values, escaperFor(path))
    if (path === 'exports/manifest.json') content = mergeDefaults(content, values.defaults)
    if (!content.endsWith('\n')) content += '\n'
    return {path, content, mode: f.mode}
  })
}

type Escaper = (s: string) => string

function escaperFor(path: string): Escaper {
  // A TOML or JSON basic string: JSON's escapes are all valid TOML escapes.
  if (path.endsWith('.toml') || path.endsWith('.json')) return (s) => JSON.stringify(s).slice(1, -1)
  // A unit file value that is also an exports template: `$` and systemd's `%` specifiers.
  if (path.endsWith('service.template')) return (s) => s.replaceAll('$', () => '$$').replaceAll('%', '%%')
  return (s) => s
}

function fillMarkers(text: string, values: ScaffoldValues, escape: Escaper): string {
  // Replacer functions: a string replacement would interpret `$$` and `$&` in the value.
  const description = escape(values.description)
  return text
    .replaceAll('@NAME@', () => values.name)
    .replaceAll('@IMAGE@', () => values.image)
    .replaceAll('@DESCRIPTION@', () => description)
}

function mergeDefaults(manifestText: string, defaults: Readonly<Record<string, string>>): string {
  const manifest = JSON.parse(manifestText) as {defaultValues?: Record<string, string>}
  const merged = {...manifest, defaultValues: {...(manifest.defaultValues ?? {}), ...defaults}}
  return JSON.stringify(merged, null, 4) + '\n'
}
